#pragma once
// Internal: what the text and markdown reports show, made safe for a terminal.
//
// Names, paths, hostnames and messages come from files, other hosts, drivers and the command line; any of them
// may carry escape sequences, bells, carriage returns or bidi overrides. The reports draw from these display
// copies, every string passed through util::printable, so a value shows as one line of visible text and the
// layout (widths, wrapping) measures what is shown. The JSON reports use the originals: JSON escapes them.
//
// terminal_safe() is the last step of every text and markdown document: it lets through only line breaks and
// the report's own colour sequences, so a string that reached the document some other way still cannot drive
// the terminal.

#include "style.hpp"

#include "llmhw/advice/advice.hpp"
#include "llmhw/catalog/catalog.hpp"
#include "llmhw/probe/inventory.hpp"

#include <string>

namespace llmhw::report::detail {

probe::Inventory printable(probe::Inventory inventory);
advice::Advice printable(advice::Advice advice);
catalog::ModelEntry printable(catalog::ModelEntry entry);
catalog::HardwareSpec printable(catalog::HardwareSpec spec);
catalog::SystemSpec printable(catalog::SystemSpec system);

/// `document` with every control character other than a line break, and every escape sequence other than
/// `colors`' own, written visibly (util::printable).
std::string terminal_safe(const std::string& document, const Palette& colors);

/// The same for a document in `format` (markdown has no colour).
std::string terminal_safe(const std::string& document, Format format, const Style& style);

} // namespace llmhw::report::detail
