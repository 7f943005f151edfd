#pragma once
// Internal: one function per subcommand. Each returns the exit code, having
// printed its document to stdout; errors come back as Error for the one printer.

#include "options.hpp"

#include "llmhw/util/result.hpp"

namespace llmhw::cli {

Result<int> run_probe(const Options& options);
Result<int> run_advise(Options options);   ///< advise and check (a requirements file fills unset options)
Result<int> run_models(const Options& options);
Result<int> run_targets(const Options& options);

} // namespace llmhw::cli
