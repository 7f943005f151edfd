#!/usr/bin/env bash
# Whole-process timings for docs/performance.md: runs each command RUNS times
# (default 30, after 3 warm-up runs) and prints a markdown table of the median,
# 90th percentile and minimum wall time, the median CPU time, and exit codes.
# llm-hw is build/release/src/llm-hw unless LLM_HW names another binary.
#   scripts/time-commands.sh [RUNS]
# Every run is a posix_spawn + wait4 from Python, the same for every command,
# including the lstopo-no-graphics baseline the targets are measured against;
# wait4 gives each run's CPU time, which a busy machine disturbs less than wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-30}"
llm_hw="${LLM_HW:-build/release/src/llm-hw}"
if [ ! -x "$llm_hw" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j"$(nproc)" --target llm-hw >/dev/null
fi
command -v lstopo-no-graphics >/dev/null || { echo "time-commands: needs lstopo-no-graphics (package hwloc)" >&2; exit 1; }

python3 - "$runs" "$llm_hw" <<'PY'
import os, statistics, sys, time

runs, llm_hw = int(sys.argv[1]), sys.argv[2]
commands = [
    [llm_hw, "--version"],
    [llm_hw, "--help"],
    [llm_hw, "models"],
    [llm_hw, "targets"],
    ["lstopo-no-graphics"],
    [llm_hw, "probe"],
    [llm_hw, "probe", "--json"],
    [llm_hw, "advise"],
    [llm_hw, "advise", "--json"],
    [llm_hw, "advise", "--target", "all"],
    [llm_hw, "advise", "--target", "all", "--model", "deepseek-v3"],
    [llm_hw, "models", "--fit"],
    [llm_hw, "models", "--fit", "--workload", "chat", "--concurrency", "1"],
    [llm_hw, "models", "--fit", "--target", "rtx-4090"],
    [llm_hw, "models", "--local"],
]
environment = dict(os.environ, NO_COLOR="1")

to_null = [(os.POSIX_SPAWN_OPEN, fd, "/dev/null", os.O_WRONLY, 0) for fd in (1, 2)]

def once(command):
    """Wall ms, CPU ms (user + system, from wait4) and exit code of one run."""
    start = time.perf_counter()
    pid = os.posix_spawnp(command[0], command, environment, file_actions=to_null)
    _, status, usage = os.wait4(pid, 0)
    wall = (time.perf_counter() - start) * 1000
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, os.waitstatus_to_exitcode(status)

print(f"{runs} runs each after 3 warm-up runs; wall time and CPU time (user + system) in ms")
print()
print("| command | wall median | wall p90 | wall min | CPU median | exit |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for command in commands:
    for _ in range(3):
        once(command)
    walls, cpus, codes = [], [], set()
    for _ in range(runs):
        wall, cpu, code = once(command)
        walls.append(wall)
        cpus.append(cpu)
        codes.add(code)
    walls.sort()
    p90 = walls[min(len(walls) - 1, int(round(0.9 * (len(walls) - 1))))]
    shown = " ".join(["llm-hw" if part == llm_hw else part for part in command])
    print(f"| `{shown}` | {statistics.median(walls):.1f} | {p90:.1f} | {walls[0]:.1f} | "
          f"{statistics.median(cpus):.1f} | {','.join(map(str, sorted(codes)))} |")
PY
