#!/usr/bin/env bash
# Fresh machine to first advice: installs what is missing, builds a release
# binary, and asks llm-hw about this machine with the default model.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
build/release/src/llm-hw advise "$@"
