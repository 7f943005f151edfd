# Every dependency comes from the distribution's packages. A missing one stops
# configuration with the Debian package that provides it.
include(FindPkgConfig)

macro(llm_hw_require_package name debian_package)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "llm-hw needs ${name}: install the Debian package '${debian_package}' "
                        "(apt-get install ${debian_package})")
  endif()
endmacro()

llm_hw_require_package(CLI11 libcli11-dev)
llm_hw_require_package(nlohmann_json nlohmann-json3-dev)
llm_hw_require_package(fmt libfmt-dev)

find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(HWLOC QUIET IMPORTED_TARGET hwloc)
endif()
if(NOT HWLOC_FOUND)
  message(FATAL_ERROR "llm-hw needs hwloc: install the Debian packages 'libhwloc-dev' and 'pkg-config'")
endif()

if(LLM_HW_BUILD_TESTS)
  llm_hw_require_package(Catch2 catch2)
endif()

if(LLM_HW_BUILD_BENCH)
  llm_hw_require_package(benchmark libbenchmark-dev)
endif()
