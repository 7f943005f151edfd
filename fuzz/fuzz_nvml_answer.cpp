// probe::detail::parse_nvml_answer: what the NVML child process wrote to its pipe. The library
// runs in that child and can write anything to the pipe, so the parent reads it as outside input.
#include "probe/nvml.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)llmhw::probe::detail::parse_nvml_answer(text, "fuzz.so"); // warnings are expected; crashes are bugs
  return 0;
}
