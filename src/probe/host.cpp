// The host: name, kernel, distribution, and whether it is a virtual machine.
#include "backends.hpp"
#include "sysfs.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "llmhw/util/text.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

namespace llmhw::probe::detail {
namespace {

std::string unquote(std::string value)
{
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

/// The hypervisor's CPUID signature (leaf 0x40000000), on the live machine only.
std::optional<std::string> cpuid_hypervisor()
{
#if defined(__x86_64__) || defined(__i386__)
  unsigned int eax = 0;
  unsigned int ebx = 0;
  unsigned int ecx = 0;
  unsigned int edx = 0;
  __cpuid(1, eax, ebx, ecx, edx);
  if ((ecx & (1u << 31)) == 0) {
    return std::nullopt;
  }
  __cpuid(0x40000000, eax, ebx, ecx, edx);
  char signature[13] = {};
  std::memcpy(signature, &ebx, 4);
  std::memcpy(signature + 4, &ecx, 4);
  std::memcpy(signature + 8, &edx, 4);
  return hypervisor_name(std::string_view(signature, std::strlen(signature)));
#else
  return std::nullopt;
#endif
}

/// Cloud and hypervisor vendors as DMI names them (/sys/class/dmi/id).
std::optional<std::string> dmi_hypervisor(const std::string& root)
{
  const std::string vendor = read_line(root, "/sys/class/dmi/id/sys_vendor").value_or("");
  const std::string product = read_line(root, "/sys/class/dmi/id/product_name").value_or("");
  if (vendor == "Amazon EC2") {
    return "Amazon EC2";
  }
  if (vendor == "Google" || product == "Google Compute Engine") {
    return "Google Compute Engine";
  }
  if (vendor == "Microsoft Corporation" && product == "Virtual Machine") {
    return "Microsoft Hyper-V";
  }
  if (product == "BHYVE") {
    return "bhyve";
  }
  if (vendor == "QEMU" || product.starts_with("KVM")) {
    return "KVM";
  }
  if (vendor.starts_with("VMware")) {
    return "VMware";
  }
  if (const auto type = read_line(root, "/sys/hypervisor/type"); type && *type == "xen") {
    return "Xen";
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string> hypervisor_name(std::string_view signature)
{
  static const std::pair<std::string_view, std::string_view> known[] = {
      {"KVMKVMKVM", "KVM"},     {"Microsoft Hv", "Microsoft Hyper-V"}, {"VMwareVMware", "VMware"},
      {"XenVMMXenVMM", "Xen"},  {"TCGTCGTCGTCG", "QEMU"},            {"bhyve bhyve ", "bhyve"},
      {"ACRNACRNACRN", "ACRN"}, {"QNXQVMBSQG", "QNX"},              {"VBoxVBoxVBox", "VirtualBox"},
      {"Linux KVM Hv", "KVM"}};
  for (const auto& [known_signature, name] : known) {
    if (signature == known_signature) {
      return std::string(name);
    }
  }
  // Signatures fill their 12 bytes by repeating a name ("bhyve bhyve "): a name repeated is said once.
  const std::string text(util::trim(signature));
  std::vector<std::string> words;
  for (const std::string& word : util::split(text, ' ')) {
    if (!word.empty()) {
      words.push_back(word);
    }
  }
  if (words.size() > 1 && std::all_of(words.begin(), words.end(), [&](const std::string& w) { return w == words[0]; })) {
    return words[0];
  }
  return text.empty() ? std::nullopt : std::optional(text);
}

Host read_host(const Environment& environment, bool hypervisor_flag)
{
  const std::string& root = environment.root;
  Host host;
  host.hostname = read_line(root, "/proc/sys/kernel/hostname").value_or("");
  host.kernel = read_line(root, "/proc/sys/kernel/osrelease").value_or("");
  if (const auto release = read_file(root, "/etc/os-release")) {
    host.os = unquote(field_value(*release, "PRETTY_NAME", '=').value_or(""));
  }
  host.virtualized = hypervisor_flag;
  if (hypervisor_flag) {
    host.hypervisor = environment.live() ? cpuid_hypervisor() : std::nullopt;
    if (!host.hypervisor) {
      host.hypervisor = dmi_hypervisor(root);
    }
  }
  host.network = read_network(root);
  for (const auto& [name, value] : environment.variables) {
    if (name.starts_with("TPU_")) {
      host.tpu_environment[name] = value;
    }
  }
  return host;
}

} // namespace llmhw::probe::detail
