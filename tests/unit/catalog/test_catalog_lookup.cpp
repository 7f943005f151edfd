#include "llmhw/catalog/catalog.hpp"

#include "support/builtin_catalog.hpp"

#include <catch2/catch.hpp>

using llmhw::test::builtin_catalog;

TEST_CASE("hardware resolves by id, alias, vendor name and PCI id", "[catalog]")
{
  const auto* h100 = builtin_catalog().find_hardware("h100-sxm");
  REQUIRE(h100 != nullptr);
  // The name NVML and nvidia-smi report for an H100 SXM5 (shared/reference/hardware_facts.md §2.1).
  CHECK(builtin_catalog().find_hardware("NVIDIA H100 80GB HBM3") == h100);
  CHECK(builtin_catalog().find_hardware("H100-SXM") == h100);
  CHECK(builtin_catalog().find_hardware_by_pci("10DE:2330") == h100);
  CHECK(builtin_catalog().find_hardware("no such gpu") == nullptr);
  CHECK(builtin_catalog().find_hardware("") == nullptr);
}

TEST_CASE("models resolve by id, HF repository and Ollama tag, ignoring case", "[catalog]")
{
  const auto* llama = builtin_catalog().find_model("llama-3.1-8b");
  REQUIRE(llama != nullptr);
  CHECK(builtin_catalog().find_model("meta-llama/Llama-3.1-8B-Instruct") == llama);
  CHECK(builtin_catalog().find_model("LLAMA3.1:8B") == llama);
}
