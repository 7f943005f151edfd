#include "support/schema_check.hpp"

#include "support/temp_dir.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <memory>

namespace llmhw::test {

SchemaCheck check_against_schema(const std::string& document, const std::string& schema)
{
  const TempDir folder;
  const std::string file = folder.write(schema + ".json", document);
  // Paths come from the build and a fresh temporary folder: no quotes in them.
  const std::string command = std::string("'") + LLM_HW_PYTHON + "' '" + LLM_HW_SOURCE_DIR +
                              "/tests/schema/validate_json.py' '" + LLM_HW_SOURCE_DIR + "/docs/schema/" + schema +
                              "-v1.json' '" + file + "' 2>&1";
  SchemaCheck check;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    check.problems = "could not run " + command;
    return check;
  }
  std::array<char, 4096> buffer{};
  while (const std::size_t read = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
    check.problems.append(buffer.data(), read);
  }
  const int status = pclose(pipe);
  check.valid = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return check;
}

} // namespace llmhw::test
