# Shell completions and the man page are generated from the CLI definition by
# the freshly built binary, so they always match it. The man page is installed
# gzipped, as Debian policy (12.1) asks: `gzip -9n`, no name or time stamp in
# the header, so the package is reproducible.
find_program(LLM_HW_GZIP gzip REQUIRED)
set(llm_hw_generated ${PROJECT_BINARY_DIR}/generated)
set(llm_hw_generated_files
  ${llm_hw_generated}/llm-hw.bash ${llm_hw_generated}/_llm-hw ${llm_hw_generated}/llm-hw.fish
  ${llm_hw_generated}/llm-hw.1 ${llm_hw_generated}/llm-hw.1.gz)
add_custom_command(
  OUTPUT ${llm_hw_generated_files}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${llm_hw_generated}
  COMMAND $<TARGET_FILE:llm-hw> --generate bash > ${llm_hw_generated}/llm-hw.bash
  COMMAND $<TARGET_FILE:llm-hw> --generate zsh > ${llm_hw_generated}/_llm-hw
  COMMAND $<TARGET_FILE:llm-hw> --generate fish > ${llm_hw_generated}/llm-hw.fish
  COMMAND $<TARGET_FILE:llm-hw> --generate man > ${llm_hw_generated}/llm-hw.1
  COMMAND ${LLM_HW_GZIP} -9nf -k ${llm_hw_generated}/llm-hw.1
  DEPENDS llm-hw
  COMMENT "Generating shell completions and the man page"
  VERBATIM)
add_custom_target(llm-hw-completions ALL DEPENDS ${llm_hw_generated_files})

include(GNUInstallDirs)
install(TARGETS llm-hw RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${llm_hw_generated}/llm-hw.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME llm-hw)
install(FILES ${llm_hw_generated}/_llm-hw DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${llm_hw_generated}/llm-hw.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(FILES ${llm_hw_generated}/llm-hw.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/llm-hw/data
        FILES_MATCHING PATTERN "*.json")
# Debian policy 12.5: the licence in machine-readable form as /usr/share/doc/llm-hw/copyright.
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/cmake/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME llm-hw)
set(CPACK_PACKAGE_CONTACT "llm-hw developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
