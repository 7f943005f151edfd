#pragma once
// Internal: the plausibility bounds on figures the probe reads from the machine (procfs,
// sysfs, hwloc, cgroups). A figure outside them comes from a broken driver, a hostile
// fixture or a parse gone wrong; it is dropped with a warning naming its source, and the
// next source in the probe's chain (or the catalog) is used instead. The bounds sit well
// beyond the largest real machines and well inside what the probe-JSON reader accepts
// (inventory_json.cpp checks that at compile time), so every probe JSON llm-hw writes is
// one it can read back.

#include "llmhw/util/units.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmhw::probe::plausible {

constexpr std::uint64_t k_tib = 1024 * units::GiB;

/// Host memory: the largest single-system-image machines (HPE Superdome Flex, 32 sockets)
/// top out at 48 TiB.
constexpr std::uint64_t k_max_host_memory_bytes = 64 * k_tib;

/// A cgroup memory limit below this cannot run llm-hw itself (its resident size alone is a
/// few MiB, plus the catalog and a model's metadata): it is a misread file, not a limit to
/// plan a deployment by.
constexpr std::uint64_t k_min_cgroup_memory_bytes = 16 * units::MiB;

/// One GPU's or accelerator's own memory: the largest today carry 288 GB of HBM (MI355X,
/// B300); 1 TiB leaves more than three times that.
constexpr std::uint64_t k_max_device_memory_bytes = k_tib;

/// CPU clock: no server or desktop CPU runs below 100 MHz, and none has shipped above
/// 6.2 GHz (overclocking records stay under 10 GHz).
constexpr double k_min_clock_ghz = 0.1;
constexpr double k_max_clock_ghz = 10;

/// Hardware threads in one machine: Linux's NR_CPUS is at most 8192 (x86 MAXSMP; arm64
/// allows 4096), the largest single-image machines have a few thousand.
constexpr std::uint32_t k_max_threads = 16384;

/// One device's memory bandwidth: HBM3e GPUs reach 8 TB/s, a 32-socket CPU machine a few
/// TB/s; the catalog refuses more than 100 TB/s per device too.
constexpr double k_max_bandwidth_bytes_s = 1e14;

/// One device's peak TFLOPS at any precision: a B200 does about 10,000 (FP4, dense); the
/// catalog refuses more than 1e5 too.
constexpr double k_max_tflops = 1e5;

/// Whether `value` lies in [min, max]; if not, adds the warning "{source}: {what} of {shown}
/// is implausible (outside {min}–{max} {unit}); ignored" ("more than {max}" when `min` is 0).
/// `shown` is the value as read.
bool within(double value, double min, double max, std::string_view unit, std::string_view what,
            std::string_view source, std::string_view shown, std::vector<std::string>& warnings);

/// The same for a byte count, exact beyond 2^53; the warning shows the bound in binary units
/// ("less than {min}" when `max` is UINT64_MAX).
bool within_bytes(std::uint64_t value, std::uint64_t min, std::uint64_t max, std::string_view what,
                  std::string_view source, std::string_view shown, std::vector<std::string>& warnings);

} // namespace llmhw::probe::plausible
