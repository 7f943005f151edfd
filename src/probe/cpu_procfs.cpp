// /proc/cpuinfo: the ISA features inference engines dispatch on, the hypervisor
// flag and the clock. hwloc does not report feature flags.
#include "backends.hpp"
#include "plausible.hpp"
#include "sysfs.hpp"

#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace llmhw::probe::detail {
namespace {

/// x86 flags as the kernel names them (arch/x86/include/asm/cpufeatures.h), the ones
/// llama.cpp, oneDNN and PyTorch dispatch on for inference.
const std::vector<std::string>& x86_features()
{
  static const std::vector<std::string> names = {"avx",      "avx2",     "fma",         "f16c",        "avx512f",
                                                 "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16",
                                                 "avx_vnni", "amx_tile", "amx_bf16",    "amx_int8",    "amx_fp16"};
  return names;
}

/// Arm HWCAP names from /proc/cpuinfo "Features" (arch/arm64/kernel/cpuinfo.c). "asimd" is
/// reported as "neon"; "asimddp" is the dot-product extension (dotprod).
const std::vector<std::pair<std::string, std::string>>& arm_features()
{
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"asimd", "neon"}, {"asimdhp", "asimdhp"}, {"fphp", "fphp"}, {"asimddp", "asimddp"}, {"sve", "sve"},
      {"sve2", "sve2"},  {"i8mm", "i8mm"},       {"bf16", "bf16"}, {"sme", "sme"}};
  return names;
}

std::optional<double> parse_double(const std::optional<std::string>& text)
{
  if (!text || text->empty()) {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc{} || !(value > 0)) { // implausible clocks are refused where they are used
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint32_t> parse_hex_or_decimal(const std::optional<std::string>& text)
{
  if (!text || text->empty()) {
    return std::nullopt;
  }
  std::string_view digits = *text;
  int base = 10;
  if (digits.starts_with("0x")) {
    digits.remove_prefix(2);
    base = 16;
  }
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (error != std::errc{} || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return value;
}

} // namespace

std::optional<CpuInfo> read_cpuinfo(const std::string& root)
{
  const auto text = read_file(root, "/proc/cpuinfo");
  if (!text || text->empty()) {
    return std::nullopt;
  }
  CpuInfo info;
  const auto words = [](const std::optional<std::string>& line) {
    std::set<std::string> set;
    if (line) {
      for (const std::string& word : util::split(*line, ' ')) {
        if (!word.empty()) {
          set.insert(word);
        }
      }
    }
    return set;
  };
  if (const auto flags = field_value(*text, "flags")) { // x86
    const std::set<std::string> present = words(flags);
    for (const std::string& name : x86_features()) {
      if (present.contains(name)) {
        info.isa.push_back(name);
      }
    }
    info.hypervisor_flag = present.contains("hypervisor");
    info.x86 = true;
  } else if (const auto features = field_value(*text, "Features")) { // arm64
    const std::set<std::string> present = words(features);
    for (const auto& [kernel_name, name] : arm_features()) {
      if (present.contains(kernel_name)) {
        info.isa.push_back(name);
      }
    }
  }
  info.vendor = field_value(*text, "vendor_id").value_or("");
  info.model = field_value(*text, "model name").value_or("");
  info.family = parse_hex_or_decimal(field_value(*text, "cpu family"));
  info.arm_implementer = parse_hex_or_decimal(field_value(*text, "CPU implementer"));
  info.arm_part = parse_hex_or_decimal(field_value(*text, "CPU part"));
  info.mhz = parse_double(field_value(*text, "cpu MHz"));
  info.bogomips = parse_double(field_value(*text, "bogomips"));
  return info;
}

std::optional<double> read_max_clock_ghz(const std::string& root, std::vector<std::string>& warnings)
{
  // cpufreq's cpuinfo_max_freq is in kHz; VMs usually have no cpufreq.
  const std::string path = "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq";
  if (const auto khz = read_uint(root, path); khz && *khz > 0) {
    const double ghz = static_cast<double>(*khz) / 1e6;
    if (plausible::within(ghz, plausible::k_min_clock_ghz, plausible::k_max_clock_ghz, "GHz", "the clock", path,
                          fmt::format("{} kHz", *khz), warnings)) {
      return ghz;
    }
  }
  return std::nullopt;
}

std::string arm_core_name(std::uint32_t implementer, std::uint32_t part)
{
  // MIDR values from Arm's Technical Reference Manuals, as the Linux kernel lists them
  // (arch/arm64/include/asm/cputype.h).
  struct Core {
    std::uint32_t implementer;
    std::uint32_t part;
    const char* name;
  };
  static constexpr Core cores[] = {
      {0x41, 0xd0c, "ARM Neoverse-N1"},       {0x41, 0xd40, "ARM Neoverse-V1"}, {0x41, 0xd49, "ARM Neoverse-N2"},
      {0x41, 0xd4f, "ARM Neoverse-V2"},       {0x41, 0xd84, "ARM Neoverse-V3"}, {0x41, 0xd8e, "ARM Neoverse-N3"},
      {0x41, 0xd85, "ARM Cortex-X925"},       {0x41, 0xd87, "ARM Cortex-A725"}, {0x41, 0xd0b, "ARM Cortex-A76"},
      {0x48, 0xd01, "HiSilicon Kunpeng-920"}, {0xc0, 0xac3, "Ampere-1"},        {0x43, 0x0af, "Cavium ThunderX2"}};
  for (const Core& core : cores) {
    if (core.implementer == implementer && core.part == part) {
      return core.name;
    }
  }
  return "";
}

} // namespace llmhw::probe::detail
