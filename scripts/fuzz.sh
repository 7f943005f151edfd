#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for the given
# seconds (default 60) on a copy of its seed corpus, JOBS (default 2) at a time.
# Prints one line per target: wall time, executions, exec/s, coverage (cov, ft)
# and corpus size, also written to build/fuzz/summary.tsv. Fails on any crash,
# leak or timeout (the reproducer is left in build/fuzz/artifacts/), and on any
# target without a seed corpus or corpus without a target, so a target cannot
# silently drop out of CI.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      JOBS=1 NICE=19 scripts/fuzz.sh 600
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
jobs="${JOBS:-2}"
niceness="${NICE:-0}"

LLM_HW_WITH_FUZZERS=1 bash scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)"

# The targets CMake built (fuzz/CMakeLists.txt writes the list) against the seed corpora.
mapfile -t built < build/fuzz/fuzz/targets.txt
status=0
for target in "${built[@]}"; do
  if [ ! -d "fuzz/corpus/$target" ] || [ -z "$(ls -A "fuzz/corpus/$target")" ]; then
    echo "llm-hw: fuzz target $target has no seed corpus in fuzz/corpus/$target" >&2
    status=1
  fi
done
for corpus in fuzz/corpus/*/; do
  target=$(basename "$corpus")
  if [[ ! " ${built[*]} " == *" $target "* ]]; then
    echo "llm-hw: fuzz/corpus/$target has no fuzz target in fuzz/CMakeLists.txt" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] || exit 1
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${built[@]}")

mkdir -p build/fuzz/artifacts build/fuzz/logs
summary=build/fuzz/summary.tsv
printf 'target\tseconds\twall_s\texecutions\texec_per_s\tcov\tft\tcorpus_files\tcorpus_bytes\tresult\n' >"$summary"

# Runs one target; appends its line to the summary; fails when libFuzzer does.
run_target() {
  local target=$1 binary=build/fuzz/fuzz/$1 work=build/fuzz/corpus/$1 log=build/fuzz/logs/$1.log
  if [ ! -x "$binary" ]; then
    echo "llm-hw: fuzz target $target was not built ($binary missing)" >&2
    return 1
  fi
  mkdir -p "$work"
  cp -n "fuzz/corpus/$target"/* "$work"/ 2>/dev/null || true
  local start end result=ok
  start=$(date +%s)
  nice -n "$niceness" "$binary" "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=build/fuzz/artifacts/"$target"- -print_final_stats=1 >"$log" 2>&1 || result=FAILED
  end=$(date +%s)
  # The last status line carries coverage; the final stats carry executions and rate.
  local status_line executions rate cov ft
  status_line=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$status_line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$status_line")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$seconds" "$((end - start))" "${executions:-?}" \
    "${rate:-?}" "${cov:-?}" "${ft:-?}" "$(find "$work" -type f | wc -l)" "$(du -sb "$work" | cut -f1)" \
    "$result" >>"$summary"
  echo "== $target: $result after $((end - start)) s, ${executions:-?} executions (${rate:-?}/s), cov ${cov:-?} ft ${ft:-?}"
  if [ "$result" != ok ]; then
    tail -n 40 "$log"
    echo "llm-hw: $target failed; reproducer in build/fuzz/artifacts/, log in $log" >&2
    return 1
  fi
}

failed=0
running=0
for target in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
  run_target "$target" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
column -t -s $'\t' "$summary"
exit "$failed"
