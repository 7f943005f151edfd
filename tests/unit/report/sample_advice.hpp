#pragma once
// Hand-built advice for the report tests: Llama 3.1 8B for a chat workload on
// an NVIDIA L4, on two L4s and on an 8 GB RTX 4060 that cannot hold it. The
// figures are set here, not computed by the estimator, so the renderers are
// tested on their own (see sample_advice.cpp for where each figure comes from).

#include "llmhw/advice/advice.hpp"

namespace llmhw::test {

/// Three ranked candidates and a recommendation (the first).
advice::Advice sample_advice();

/// The same candidates with nothing fitting: no recommendation, suggestions instead.
advice::Advice sample_advice_nothing_fits();

} // namespace llmhw::test
