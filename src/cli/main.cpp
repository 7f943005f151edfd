#include "llmhw/cli/cli.hpp"

int main(int argc, char** argv)
{
  return llmhw::cli::run(argc, argv);
}
