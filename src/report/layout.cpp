#include "layout.hpp"

#include "table.hpp"

#include "llmhw/catalog/catalog.hpp"
#include "llmhw/model/model.hpp"
#include "llmhw/util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace llmhw::report::detail {

std::vector<std::string> wrap(const std::string& text, std::size_t width) { return util::wrap(text, width); }

std::string markdown_text(const std::string& text)
{
  constexpr std::string_view special = "\\`*_[]<>|#";
  std::string out;
  for (const char c : text) {
    if (special.find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

std::string markdown_code_block(const std::string& code, const std::string& language)
{
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  return fence + language + "\n" + code + "\n" + fence + "\n";
}

ParameterFigures parameter_figures(const catalog::ModelEntry& entry, const catalog::Catalog& catalog)
{
  if (auto spec = model::load_entry(entry, catalog)) {
    return {spec->params, spec->active_params};
  }
  return {entry.params, entry.active_params};
}

std::string format_params(std::uint64_t params)
{
  const double value = static_cast<double>(params);
  if (params >= 100'000'000'000ULL) {
    return fmt::format("{:.0f}B", value / 1e9);
  }
  if (params >= 1'000'000'000ULL) {
    return fmt::format("{:.1f}B", value / 1e9);
  }
  return fmt::format("{:.0f}M", value / 1e6);
}

} // namespace llmhw::report::detail
