#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for the given
# seconds (default 60) on a copy of its seed corpus. Prints executions and
# coverage per target; exits non-zero on the first crash, leak or timeout,
# leaving the reproducer in build/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
LLM_HW_WITH_FUZZERS=1 scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)"
mkdir -p build/fuzz/artifacts
for corpus in fuzz/corpus/*/; do
  target=$(basename "$corpus")
  work=build/fuzz/corpus/$target
  mkdir -p "$work"
  cp -n "$corpus"/* "$work"/ 2>/dev/null || true
  log=build/fuzz/$target.log
  echo "== $target: ${seconds}s"
  if ! build/fuzz/fuzz/"$target" "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix=build/fuzz/artifacts/"$target"- -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "llm-hw: $target failed; reproducer in build/fuzz/artifacts/" >&2
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$log" | tail -2
done
