#include "shape_checks.hpp"

#include <fmt/format.h>

namespace llmhw::model::detail {

std::optional<std::string> kv_group_problem(std::uint64_t kv_heads, std::uint64_t heads)
{
  if (kv_heads == 0 || kv_heads > heads || heads % kv_heads != 0) {
    return fmt::format("{} does not divide the {} attention heads into equal groups", kv_heads, heads);
  }
  return std::nullopt;
}

std::optional<std::string> head_split_problem(std::uint64_t hidden, std::uint64_t heads)
{
  if (heads == 0 || hidden % heads != 0) {
    return fmt::format("{} is not a multiple of the {} attention heads", hidden, heads);
  }
  return std::nullopt;
}

} // namespace llmhw::model::detail
