#pragma once
// Probing a fixture machine (tests/fixtures/machines/<name>) the way the CLI
// probes the live one: same code, the root moved.

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/probe/probe.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

namespace llmhw::test {

inline const catalog::Catalog& probe_catalog()
{
  static const catalog::Catalog loaded = catalog::load({}).value();
  return loaded;
}

inline std::string machine_root(const std::string& name)
{
  return std::string(LLM_HW_TEST_FIXTURES) + "/machines/" + name;
}

inline probe::Environment fixture_environment(const std::string& name)
{
  probe::Environment environment;
  environment.root = machine_root(name);
  environment.skip_nvml = true;
  return environment;
}

inline probe::Inventory probe_machine(const probe::Environment& environment)
{
  auto inventory = probe::detect(environment, probe_catalog());
  if (!inventory) {
    FAIL("probe failed: " << inventory.error().message());
  }
  return std::move(inventory.value());
}

inline const probe::Device& device(const probe::Inventory& inventory, const std::string& id)
{
  const auto it = std::find_if(inventory.devices.begin(), inventory.devices.end(),
                               [&](const probe::Device& d) { return d.id == id; });
  if (it == inventory.devices.end()) {
    FAIL("no device " << id);
  }
  return *it;
}

inline bool has_warning(const probe::Inventory& inventory, const std::string& part)
{
  return std::any_of(inventory.warnings.begin(), inventory.warnings.end(),
                     [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

inline bool contains(const std::vector<std::string>& list, const std::string& item)
{
  return std::find(list.begin(), list.end(), item) != list.end();
}

} // namespace llmhw::test
