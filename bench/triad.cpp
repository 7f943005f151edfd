// A plain STREAM triad (McCalpin's STREAM, a[i] = b[i] + s * c[i]), independent of llm-hw's
// own measurement (src/probe/bandwidth_measure.cpp), to check it against: `probe --measure`
// should land within 25% of this over the same CPUs (docs/probe.md records both).
//
//   g++ -O2 -pthread bench/triad.cpp -o triad && ./triad [threads] [MiB per array] [passes]
//
// Defaults: one thread per CPU the process may run on, 128 MiB per array (384 MiB in all,
// beyond any L3 a process gets), 20 passes; prints the best pass, counting 24 bytes per
// element as STREAM does.
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

int main(int argc, char** argv)
{
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  sched_getaffinity(0, sizeof allowed, &allowed);
  const unsigned threads = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : CPU_COUNT(&allowed);
  const std::size_t mib = argc > 2 ? static_cast<std::size_t>(std::atol(argv[2])) : 128;
  const int passes = argc > 3 ? std::atoi(argv[3]) : 20;
  if (threads == 0 || mib == 0 || passes <= 0) {
    std::fprintf(stderr, "usage: triad [threads] [MiB per array] [passes]\n");
    return 2;
  }
  const std::size_t n = mib * 1024 * 1024 / sizeof(double);
  std::vector<double> a(n, 0.0), b(n, 1.0), c(n, 2.0); // faulted in here, before any timing
  const std::size_t chunk = (n + threads - 1) / threads;
  double best = 1e30;
  for (int pass = 0; pass < passes; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        const std::size_t end = std::min(n, (t + 1) * chunk);
        for (std::size_t i = t * chunk; i < end; ++i) {
          a[i] = b[i] + 3.0 * c[i];
        }
      });
    }
    for (auto& thread : pool) {
      thread.join();
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::printf("triad: %u threads, 3 x %zu MiB, best of %d passes: %.1f GB/s (check %g)\n", threads, mib, passes,
              24.0 * static_cast<double>(n) / best / 1e9, a[n / 2]);
  return 0;
}
