# Script mode: writes OUTPUT, a C++ file holding each of INPUTS as a string_view.
set(delimiter "llmhw_data")
set(body "")
foreach(input IN LISTS INPUTS)
  file(READ ${input} content)
  string(FIND "${content}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${input} contains the raw-string delimiter ')${delimiter}\"'")
  endif()
  get_filename_component(name ${input} NAME)
  string(APPEND body "    {\"${name}\", R\"${delimiter}(${content})${delimiter}\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from data/*.json by cmake/GenerateEmbeddedData.cmake. Do not edit.
#include \"llmhw/catalog/embedded.hpp\"

namespace llmhw::catalog {

std::span<const EmbeddedFile> embedded_files()
{
  static const EmbeddedFile files[] = {
${body}  };
  return files;
}

} // namespace llmhw::catalog
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
