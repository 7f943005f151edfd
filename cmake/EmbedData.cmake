# Compiles the catalogs under data/ into the binary, so llm-hw works from any folder.
# Each file becomes a raw string literal in a generated source file.
function(llm_hw_embed_data target)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_data.cpp)
  set(inputs ${ARGN})
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${out} "-DINPUTS=${inputs}" -P ${PROJECT_SOURCE_DIR}/cmake/GenerateEmbeddedData.cmake
    DEPENDS ${inputs} ${PROJECT_SOURCE_DIR}/cmake/GenerateEmbeddedData.cmake
    COMMENT "Embedding the catalogs under data/"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
