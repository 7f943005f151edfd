// probe::parse_node_list: a Kubernetes node list (`kubectl get nodes -o json`) given as --hardware FILE.
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/probe/probe.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const llmhw::catalog::Catalog catalog = llmhw::catalog::load({}).value();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)llmhw::probe::parse_node_list(text, "nodes.json", catalog); // errors are expected; crashes are bugs
  return 0;
}
