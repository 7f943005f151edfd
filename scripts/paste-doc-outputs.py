#!/usr/bin/env python3
"""Re-pastes the output of every `$ llm-hw ...` command in the docs' ```text blocks from a real run.

    scripts/paste-doc-outputs.py [--bin DIR] DOC.md [DOC.md ...]

Runs each command from the repository root with NO_COLOR=1 and COLUMNS=100
(the docs say so), `llm-hw` taken from DIR (default build/release/src, else
build/dev/src). A block keeps its shape: an output cut after K lines with
"… (N more lines)" is cut after K lines again with the new N; `$ echo $?`
prints the previous command's exit code; a command ending in
"# candidates cut to the first of N" keeps only the first candidate of its
JSON document. Everything outside the blocks is left alone.
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MORE = re.compile(r"^… \((\d+) more lines\)$")
CUT_JSON = re.compile(r"\s+# candidates cut to the first of \d+$")


def run(command, bin_dir):
    environment = dict(os.environ, NO_COLOR="1", COLUMNS="100", PATH=bin_dir + os.pathsep + os.environ["PATH"])
    result = subprocess.run(["bash", "-c", command + " 2>&1"], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=300)
    return result.stdout, result.returncode


def paste(block, bin_dir):
    """The lines of one ```text block with every command's output run again."""
    out = []
    last_code = 0
    i = 0
    while i < len(block):
        line = block[i]
        i += 1
        if not line.startswith("$ "):
            out.append(line)
            continue
        command = line[2:]
        # The old output: up to the next command.
        old = []
        while i < len(block) and not block[i].startswith("$ "):
            old.append(block[i])
            i += 1
        if command == "echo $?":
            out += [line, str(last_code)]
            continue
        if "llm-hw" not in command:
            out.append(line)
            out += old
            continue
        if CUT_JSON.search(command):
            text, last_code = run(CUT_JSON.sub("", command), bin_dir)
            document = json.loads(text)
            total = len(document["candidates"])
            document["candidates"] = document["candidates"][:1]
            out.append(CUT_JSON.sub("", line) + f"   # candidates cut to the first of {total}")
            out += json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True).splitlines()
            continue
        text, last_code = run(command, bin_dir)
        new = text.rstrip("\n").split("\n") if text else []
        out.append(line)
        shown = len(old) - 1 if old and MORE.match(old[-1]) else None
        if old and old[-1] == "…":
            shown = len(old) - 1
            out += new[:shown] + ["…"]
        elif shown is not None and len(new) > shown:
            out += new[:shown] + [f"… ({len(new) - shown} more lines)"]
        else:
            out += new
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin")
    parser.add_argument("docs", nargs="+")
    args = parser.parse_args()
    bin_dir = args.bin or next((os.path.join(ROOT, d) for d in ("build/release/src", "build/dev/src")
                                if os.path.exists(os.path.join(ROOT, d, "llm-hw"))), None)
    if bin_dir is None:
        sys.exit("paste-doc-outputs: no llm-hw binary; build first or pass --bin DIR")
    for doc in args.docs:
        with open(doc, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        result = []
        i = 0
        while i < len(lines):
            if lines[i] == "```text":
                end = lines.index("```", i + 1)
                result += ["```text"] + paste(lines[i + 1:end], os.path.abspath(bin_dir)) + ["```"]
                i = end + 1
            else:
                result.append(lines[i])
                i += 1
        with open(doc, "w", encoding="utf-8") as handle:
            handle.write("\n".join(result))


if __name__ == "__main__":
    main()
