// probe --measure: a STREAM-style triad (a[i] = b[i] + s * c[i], McCalpin's STREAM
// benchmark) on every CPU the process may use. Counts 24 bytes per element as STREAM does
// (two reads, one write; write-allocate traffic not counted).
//
// It must work where llm-hw runs: in a VM, in a container, on a busy machine. So the arrays
// are sized from the memory the process may use, never from a reported cache size (a VM
// reports its host's L3: 1,016 MiB on one, and arrays of 4× that took 1.4 GB and 2.8 s);
// pages are faulted in before the clock starts, under a deadline of their own (on a loaded
// VM faulting alone outran the whole time limit); and the timed passes stop at a deadline
// too, keeping the best, so a busy machine gives a lower figure, never a failure.
#include "backends.hpp"

#include "llmhw/util/units.hpp"

#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cmath>
#include <thread>
#include <vector>

namespace llmhw::probe::detail {
namespace {

using Clock = std::chrono::steady_clock;

/// Pages are faulted a block at a time, the clock read between blocks.
constexpr std::size_t k_fault_block_elements = 256 * 1024; // 2 MiB of doubles

/// Three anonymous arrays in one mapping, returned to the system when done (a vector would
/// fault every page in on one thread, outside any deadline).
class TriadArrays {
public:
  explicit TriadArrays(std::size_t elements) : m_elements(elements), m_bytes(3 * elements * sizeof(double))
  {
    void* mapped = mmap(nullptr, m_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    // No MADV_HUGEPAGE: with the common THP defrag setting "madvise" it makes every fault compact
    // memory first, and faulting 512 MiB took 4-5 s instead of 0.6-1 s on a loaded VM.
    if (mapped != MAP_FAILED) {
      m_data = static_cast<double*>(mapped);
    }
  }
  ~TriadArrays()
  {
    if (m_data != nullptr) {
      munmap(m_data, m_bytes);
    }
  }
  TriadArrays(const TriadArrays&) = delete;
  TriadArrays& operator=(const TriadArrays&) = delete;

  [[nodiscard]] bool mapped() const { return m_data != nullptr; }
  [[nodiscard]] double* a() const { return m_data; }
  [[nodiscard]] double* b() const { return m_data + m_elements; }
  [[nodiscard]] double* c() const { return m_data + 2 * m_elements; }

private:
  std::size_t m_elements;
  std::size_t m_bytes;
  double* m_data = nullptr;
};

// The kernel, compiled with optimisation in every build type (src/probe/CMakeLists.txt).
void triad(double* a, const double* b, const double* c, std::size_t begin, std::size_t end)
{
  constexpr double scalar = 3.0;
  for (std::size_t i = begin; i < end; ++i) {
    a[i] = b[i] + scalar * c[i];
  }
}

/// Faults in [begin, end) of the three arrays, block by block, until done or `deadline`;
/// returns how many elements from `begin` are in.
std::size_t fault_in(const TriadArrays& arrays, std::size_t begin, std::size_t end, Clock::time_point deadline)
{
  std::size_t done = begin;
  while (done < end && Clock::now() < deadline) {
    const std::size_t stop = std::min(end, done + k_fault_block_elements);
    std::fill(arrays.a() + done, arrays.a() + stop, 0.0);
    std::fill(arrays.b() + done, arrays.b() + stop, 1.0);
    std::fill(arrays.c() + done, arrays.c() + stop, 2.0);
    done = stop;
  }
  return done - begin;
}

} // namespace

unsigned triad_threads(const Device& cpu)
{
  const double usable_cpus = cpu.usable_cores.value_or(static_cast<double>(std::max(cpu.threads, cpu.cores)));
  return static_cast<unsigned>(std::clamp(std::floor(usable_cpus + 1e-9), 1.0, 1024.0));
}

Result<TriadPlan> plan_triad(const Device& cpu, std::uint64_t usable_memory_bytes)
{
  TriadPlan plan;
  plan.threads = triad_threads(cpu);
  const std::uint64_t footprint = std::min(k_max_triad_bytes, usable_memory_bytes / k_triad_memory_share);
  if (footprint < k_min_triad_bytes) {
    return Error{"--measure",
                 fmt::format("the process may use {} MiB of memory; the bandwidth measurement needs {} MiB "
                             "(a quarter of it at most), so it was not run",
                             usable_memory_bytes / units::MiB, k_triad_memory_share * k_min_triad_bytes / units::MiB)};
  }
  // Whole fault blocks per thread.
  const std::uint64_t block_bytes = 3 * k_fault_block_elements * sizeof(double);
  const std::uint64_t blocks = std::max<std::uint64_t>(footprint / block_bytes, plan.threads);
  plan.array_bytes = (blocks / plan.threads) * plan.threads * k_fault_block_elements * sizeof(double);
  return plan;
}

std::uint64_t memory_for_measurement(const SystemMemory& memory, std::optional<std::uint64_t> cgroup_headroom_bytes)
{
  std::uint64_t usable = memory.available_bytes > 0 ? memory.available_bytes : memory.total_bytes / 2;
  if (cgroup_headroom_bytes) {
    usable = std::min(usable, *cgroup_headroom_bytes);
  }
  return usable;
}

Result<double> measure_triad_bytes_s(const TriadPlan& plan, TriadDeadlines deadlines)
{
  const auto started = Clock::now();
  const unsigned threads = std::max(plan.threads, 1u);
  const std::size_t elements = plan.array_bytes / sizeof(double);
  const TriadArrays arrays(elements);
  if (!arrays.mapped()) {
    return Error{"--measure", fmt::format("cannot map {} MiB for the bandwidth measurement",
                                          3 * plan.array_bytes / units::MiB)};
  }
  const std::size_t share = elements / threads;
  std::vector<std::size_t> faulted(threads, 0);
  std::atomic<std::size_t> length{0}; // elements each thread streams: the least any thread faulted in
  std::atomic<bool> stop{false};
  // The calling thread is worker 0 and times the passes: no extra thread competes for the CPUs.
  std::barrier sync(static_cast<std::ptrdiff_t>(threads));
  const auto fault_own_share = [&](unsigned t) {
    // First touch on the thread that streams the pages, so they land on its NUMA node.
    faulted[t] = fault_in(arrays, t * share, t * share + share, started + deadlines.fault);
    sync.arrive_and_wait(); // all faulted in: worker 0 sets the length
  };
  const auto stream_own_share = [&](unsigned t) {
    triad(arrays.a(), arrays.b(), arrays.c(), t * share, t * share + length.load());
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) {
    pool.emplace_back([&, t] {
      fault_own_share(t);
      while (true) {
        sync.arrive_and_wait(); // a pass starts, or stop
        if (stop.load()) {
          return;
        }
        stream_own_share(t);
        sync.arrive_and_wait(); // the pass is done
      }
    });
  }
  fault_own_share(0);
  length = *std::min_element(faulted.begin(), faulted.end());
  const double bytes_per_pass = 3.0 * sizeof(double) * static_cast<double>(length.load()) * threads;
  const bool enough = bytes_per_pass >= static_cast<double>(k_min_triad_bytes);
  double best_seconds = 0;
  double last_seconds = 0;
  // At least one pass, then passes while the next can end by the deadline: the best is the
  // least disturbed by other processes.
  const auto time_left = [&] {
    return std::chrono::duration<double>(deadlines.total - (Clock::now() - started)).count();
  };
  for (int pass = 0; enough && (pass == 0 || time_left() > last_seconds); ++pass) {
    const auto pass_start = Clock::now();
    sync.arrive_and_wait();
    stream_own_share(0);
    sync.arrive_and_wait();
    last_seconds = std::chrono::duration<double>(Clock::now() - pass_start).count();
    if (last_seconds > 0 && (best_seconds == 0 || last_seconds < best_seconds)) {
      best_seconds = last_seconds;
    }
  }
  stop = true;
  sync.arrive_and_wait();
  for (std::thread& thread : pool) {
    thread.join();
  }
  if (!enough) {
    return Error{"--measure",
                 fmt::format("only {} MiB of memory could be faulted in within {} ms (the machine is very busy or "
                             "swapping); the measurement needs {} MiB",
                             static_cast<std::uint64_t>(bytes_per_pass) / units::MiB, deadlines.fault.count(),
                             k_min_triad_bytes / units::MiB)};
  }
  if (!(best_seconds > 0) || arrays.a()[0] != 1.0 + 3.0 * 2.0) {
    return Error{"--measure", "no timed pass of the bandwidth measurement finished"};
  }
  return bytes_per_pass / best_seconds;
}

} // namespace llmhw::probe::detail
