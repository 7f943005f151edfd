#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages llm-hw builds and tests with, only when
# one is missing (then `apt-get update` first). Needs root or sudo for that.
set -euo pipefail

packages=(g++ cmake make pkg-config libcli11-dev nlohmann-json3-dev libfmt-dev libhwloc-dev catch2 hwloc
          libbenchmark-dev zsh fish bsdextrautils python3 python3-jsonschema)
[ "${LLM_HW_WITH_FUZZERS:-0}" = 1 ] && packages+=(clang libclang-rt-14-dev)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "llm-hw: installing ${missing[*]}" >&2
as_root=()
[ "$(id -u)" -ne 0 ] && as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
