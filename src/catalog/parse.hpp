#pragma once
// Internal: one catalog entry from its JSON object. Each throws InputError
// naming the file and the field; catalog::merge catches it.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/util/json_fields.hpp"

namespace llmhw::catalog::detail {

HardwareSpec parse_hardware(const util::JsonObject& entry);
SystemSpec parse_system(const util::JsonObject& entry);
ModelEntry parse_model(const util::JsonObject& entry);
EngineSpec parse_engine(const util::JsonObject& entry);
QuantFormat parse_quant(const util::JsonObject& entry);
WorkloadPreset parse_workload(const util::JsonObject& entry);
Artifact parse_artifact(const util::JsonObject& entry);

/// Ids are lower-case letters, digits and . _ - (they appear in commands and JSON).
void check_id(const util::JsonObject& entry, const std::string& id);

} // namespace llmhw::catalog::detail
