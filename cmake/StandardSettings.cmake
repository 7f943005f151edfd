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
