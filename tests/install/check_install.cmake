# Installs the build into a scratch prefix and checks every file lands where
# distributions look for it. Run by CTest: cmake -DBUILD_DIR=… -DPREFIX=… -P check_install.cmake
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${status}")
endif()
foreach(file bin/llm-hw share/bash-completion/completions/llm-hw share/zsh/vendor-completions/_llm-hw
             share/fish/vendor_completions.d/llm-hw.fish share/man/man1/llm-hw.1.gz share/llm-hw/data/models.json
             share/doc/llm-hw/LICENSE share/doc/llm-hw/copyright)
  if(NOT EXISTS ${PREFIX}/${file})
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()
# Debian policy: the man page gzipped (and only that), the copyright file machine-readable.
if(EXISTS ${PREFIX}/share/man/man1/llm-hw.1)
  message(FATAL_ERROR "the man page is installed uncompressed: share/man/man1/llm-hw.1")
endif()
execute_process(COMMAND gzip -dc ${PREFIX}/share/man/man1/llm-hw.1.gz RESULT_VARIABLE status OUTPUT_VARIABLE man)
if(NOT status EQUAL 0 OR NOT man MATCHES "\\.TH LLM")
  message(FATAL_ERROR "share/man/man1/llm-hw.1.gz is not a gzipped man page: ${status}")
endif()
file(READ ${PREFIX}/share/doc/llm-hw/copyright copyright)
if(NOT copyright MATCHES "^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
   OR NOT copyright MATCHES "License: Apache-2.0")
  message(FATAL_ERROR "share/doc/llm-hw/copyright is not a machine-readable Debian copyright file")
endif()
execute_process(COMMAND ${PREFIX}/bin/llm-hw --version RESULT_VARIABLE status OUTPUT_VARIABLE version)
if(NOT status EQUAL 0 OR NOT version MATCHES "^llm-hw ")
  message(FATAL_ERROR "the installed binary does not run: ${status} ${version}")
endif()
file(REMOVE_RECURSE ${PREFIX})
