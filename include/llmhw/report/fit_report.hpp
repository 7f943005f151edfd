#pragma once
// `llm-hw models --fit` and `llm-hw models --local` as text, markdown or JSON.

#include "llmhw/advice/fit.hpp"
#include "llmhw/model/local_stores.hpp"
#include "llmhw/report/report.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace llmhw::report {

/// JSON `llm-hw/fit/v1` (docs/schema/fit-v1.json).
nlohmann::json fit_json(const advice::Fit& fit);
std::string fit(const advice::Fit& fit, Format format, const Style& style);

/// JSON `llm-hw/local-models/v1` (docs/schema/local-models-v1.json): the stores looked in and what they hold.
nlohmann::json local_models_json(const model::LocalScan& scan, const model::StoreRoots& roots);
std::string local_models(const model::LocalScan& scan, const model::StoreRoots& roots, Format format,
                         const Style& style);

} // namespace llmhw::report
