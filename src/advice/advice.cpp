#include "llmhw/advice/advice.hpp"

namespace llmhw::advice {

Result<Advice> recommend(const model::ModelSpec& /*model*/, const workload::Workload& /*workload*/,
                         const Inputs& /*inputs*/, const catalog::Catalog& /*catalog*/)
{
  return Error{"advise", "memory and speed estimates are not implemented in this build yet"};
}

} // namespace llmhw::advice
