#!/usr/bin/env bash
# Fresh machine to first advice: installs what is missing, builds the release
# binary (only the binary, and the completions and man page it generates: no
# tests), and asks llm-hw about this machine with the default model. The build is quiet: its log goes to
# build/release/quickstart-build.log, shown only when the build fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
log=build/release/quickstart-build.log
echo "Building llm-hw (release, $(nproc) jobs; log: $log) …"
if ! cmake --build --preset release --target llm-hw llm-hw-completions -j"$(nproc)" >"$log" 2>&1; then
  tail -n 40 "$log"
  echo "quickstart: the build failed; the whole log is in $log" >&2
  exit 1
fi
# A release build has no warnings; should one appear, show it rather than hide it.
grep -E 'warning:' "$log" || true
build/release/src/llm-hw advise "$@"
