// probe --measure: a STREAM-style triad (a[i] = b[i] + s * c[i], McCalpin's STREAM
// benchmark) on every usable core, within a fixed time budget. Counts 24 bytes per
// element as STREAM does (two reads, one write; write-allocate traffic not counted).
#include "backends.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace llmhw::probe::detail {
namespace {

using Clock = std::chrono::steady_clock;

void triad_chunk(double* a, const double* b, const double* c, std::size_t begin, std::size_t end, double scalar)
{
  for (std::size_t i = begin; i < end; ++i) {
    a[i] = b[i] + scalar * c[i];
  }
}

template <typename Work> void in_parallel(unsigned threads, std::size_t elements, Work work)
{
  std::vector<std::thread> pool;
  const std::size_t chunk = (elements + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const std::size_t begin = std::min(elements, t * chunk);
    const std::size_t end = std::min(elements, begin + chunk);
    pool.emplace_back([=] { work(begin, end); });
  }
  for (std::thread& thread : pool) {
    thread.join();
  }
}

} // namespace

std::optional<double> measure_triad_bytes_s(unsigned threads, std::uint64_t array_bytes,
                                            std::chrono::milliseconds budget)
{
  threads = std::clamp(threads, 1u, 1024u);
  const std::size_t elements = std::max<std::size_t>(array_bytes / sizeof(double), 1u << 16);
  const auto started = Clock::now();
  std::unique_ptr<double[]> a(new (std::nothrow) double[elements]);
  std::unique_ptr<double[]> b(new (std::nothrow) double[elements]);
  std::unique_ptr<double[]> c(new (std::nothrow) double[elements]);
  if (!a || !b || !c) {
    return std::nullopt;
  }
  // First touch on the threads that will use the pages, so they land on those threads' NUMA nodes.
  in_parallel(threads, elements, [&](std::size_t begin, std::size_t end) {
    std::fill(a.get() + begin, a.get() + end, 0.0);
    std::fill(b.get() + begin, b.get() + end, 1.0);
    std::fill(c.get() + begin, c.get() + end, 2.0);
  });
  double best_seconds = 0;
  int passes = 0;
  // At least three passes (the first warms up); stop at the budget.
  while (passes < 3 || Clock::now() - started < budget) {
    const auto pass_start = Clock::now();
    in_parallel(threads, elements,
                [&](std::size_t begin, std::size_t end) { triad_chunk(a.get(), b.get(), c.get(), begin, end, 3.0); });
    const double seconds = std::chrono::duration<double>(Clock::now() - pass_start).count();
    if (passes > 0 && seconds > 0 && (best_seconds == 0 || seconds < best_seconds)) {
      best_seconds = seconds;
    }
    ++passes;
    if (passes >= 200 || Clock::now() - started > 2 * budget) {
      break;
    }
  }
  if (!(best_seconds > 0) || a[elements / 2] != 1.0 + 3.0 * 2.0) {
    return std::nullopt;
  }
  return 3.0 * sizeof(double) * static_cast<double>(elements) / best_seconds;
}

} // namespace llmhw::probe::detail
