# Compiler settings every project target links privately; third-party code does not.
add_library(llm_hw_settings INTERFACE)
target_compile_options(llm_hw_settings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                                 -Wno-sign-conversion)
if(LLM_HW_WARNINGS_AS_ERRORS)
  target_compile_options(llm_hw_settings INTERFACE -Werror)
endif()
if(LLM_HW_SANITIZE)
  target_compile_options(llm_hw_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                   -fno-sanitize-recover=undefined)
  target_link_options(llm_hw_settings INTERFACE -fsanitize=address,undefined)
  # GCC 12 reports false maybe-uninitialized warnings inside libstdc++ (<regex>, pulled in by Catch2's main)
  # when sanitizer instrumentation changes inlining; the dev preset keeps the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(llm_hw_settings INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()

if(LLM_HW_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LLM_HW_FUZZ needs clang (libFuzzer): use the fuzz preset, or -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # The library is instrumented for coverage; only the fuzz targets link libFuzzer's main.
  target_compile_options(llm_hw_settings INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                   -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(llm_hw_settings INTERFACE -fsanitize=address,undefined)
endif()
