#include "llmhw/probe/probe.hpp"

#include "backends.hpp"

namespace llmhw::probe {

Result<Inventory> detect(const Environment& environment, const catalog::Catalog& /*catalog*/)
{
  Inventory inventory;
  auto cpu = detail::detect_cpu(environment);
  if (!cpu) {
    return cpu.error();
  }
  if (auto memory = detail::read_meminfo(environment.root)) {
    inventory.memory = *memory;
    cpu->memory_bytes = memory->total_bytes;
    cpu->sources.push_back("procfs");
  } else {
    inventory.warnings.push_back("cannot read /proc/meminfo: system memory unknown");
  }
  inventory.devices.push_back(std::move(cpu.value()));
  return inventory;
}

} // namespace llmhw::probe
