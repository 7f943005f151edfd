#pragma once
// Internal: a requirements file for `check` (and `advise`), so a CI job can keep
// its deployment's model, workload, targets and service levels under version
// control:
//   {"model": "llama-3.1-8b", "targets": ["l4"], "workload": "chat",
//    "concurrency": 16, "max_ttft_ms": 800, "max_tpot_ms": 50}

#include "options.hpp"

#include "llmhw/util/result.hpp"

#include <string>

namespace llmhw::cli {

/// Fills every option the command line left unset from the file at `path`.
/// Relative paths in it (a model file, a workload file, probe JSON) are taken
/// relative to the file's own folder. Errors name the file and the field.
Status apply_requirements_file(const std::string& path, Options& options);

} // namespace llmhw::cli
