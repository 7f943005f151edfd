#pragma once
// Validates a JSON document against docs/schema/<name>-v1.json with the same
// validator CTest runs on the binary's output (tests/schema/validate_json.py,
// python3-jsonschema).

#include <string>

namespace llmhw::test {

struct SchemaCheck {
  bool valid = false;
  std::string problems; ///< the validator's lines, one per problem
};

/// `document` is the text a reporter printed; `schema` is "advice", "probe", …
SchemaCheck check_against_schema(const std::string& document, const std::string& schema);

} // namespace llmhw::test
