#include "llmhw/rules/rules.hpp"

namespace llmhw::rules {

std::string to_string(Severity severity)
{
  switch (severity) {
  case Severity::info: return "info";
  case Severity::warn: return "warn";
  case Severity::blocker: return "blocker";
  }
  return "unknown";
}

std::string to_string(Verdict verdict)
{
  switch (verdict) {
  case Verdict::recommended: return "recommended";
  case Verdict::viable: return "viable";
  case Verdict::not_viable: return "not-viable";
  }
  return "unknown";
}

} // namespace llmhw::rules
