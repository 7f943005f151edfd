#!/usr/bin/env python3
"""Re-pastes the output of every `$ llm-hw ...` command in the docs' ```text blocks from a real run.

    scripts/paste-doc-outputs.py [--bin DIR] [--check] [--live] DOC.md [DOC.md ...]

Runs each command from the repository root with NO_COLOR=1 and COLUMNS=100
(the docs say so), `llm-hw` taken from DIR (default build/release/src, else
build/dev/src). A block keeps its shape: an output cut after K lines with
"… (N more lines)" is cut after K lines again with the new N; `$ echo $?`
prints the previous command's exit code; a command ending in
"# candidates cut to the first of N" keeps only the first candidate of its
JSON document. Everything outside the blocks is left alone.

Commands that read this machine (`probe`, `advise`, `check` or `models --fit` with no
--target, --hardware, --requirements, --topology or LLM_HW_ROOT) keep their
pasted output unless --live is given: their output is the machine the docs were
written on, not the one running the script.

--check changes no file: it prints what differs and exits 1 when a pasted
output is not what the command prints now (CTest runs it, so an example in the
docs cannot go stale).
"""
import argparse
import difflib
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MORE = re.compile(r"^… \((\d+) more lines?\)$")
CUT_JSON = re.compile(r"\s+# candidates cut to the first of \d+$")


def run(command, bin_dir):
    # No kept bandwidth measurement from the user's cache may change what a command prints.
    environment = dict(os.environ, NO_COLOR="1", COLUMNS="100", PATH=bin_dir + os.pathsep + os.environ["PATH"],
                       XDG_CACHE_HOME=os.path.join(ROOT, "build", "docs-cache-unused"))
    result = subprocess.run(["bash", "-c", command + " 2>&1"], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=300)
    return result.stdout, result.returncode


MACHINE_INDEPENDENT = ("--target", "--hardware", "--requirements", "--topology", "LLM_HW_ROOT=")


def reads_this_machine(command):
    """Whether the command's output describes the machine it runs on."""
    words = command.split()
    if "llm-hw" not in words or words.index("llm-hw") + 1 >= len(words):
        return False
    subcommand = words[words.index("llm-hw") + 1]
    # `models --fit` ranks models for this machine's devices, as advise does.
    if subcommand not in ("probe", "advise", "check") and not (subcommand == "models" and "--fit" in words):
        return False
    return not any(word.startswith(MACHINE_INDEPENDENT) for word in words)


def paste(block, bin_dir, live):
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
            out += [line, str(last_code) if last_code is not None else old[0] if old else ""]
            continue
        if "llm-hw" not in command or (reads_this_machine(command) and not live):
            last_code = None  # an `echo $?` after it keeps its pasted code
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
            more = len(new) - shown
            out += new[:shown] + [f"… ({more} more {'line' if more == 1 else 'lines'})"]
        else:
            out += new
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when an output differs")
    parser.add_argument("--live", action="store_true", help="also re-run commands that read this machine")
    parser.add_argument("docs", nargs="+")
    args = parser.parse_args()
    bin_dir = args.bin or next((os.path.join(ROOT, d) for d in ("build/release/src", "build/dev/src")
                                if os.path.exists(os.path.join(ROOT, d, "llm-hw"))), None)
    if bin_dir is None:
        sys.exit("paste-doc-outputs: no llm-hw binary; build first or pass --bin DIR")
    stale = []
    for doc in args.docs:
        with open(doc, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        result = []
        i = 0
        while i < len(lines):
            if lines[i] == "```text":
                end = lines.index("```", i + 1)
                result += ["```text"] + paste(lines[i + 1:end], os.path.abspath(bin_dir), args.live) + ["```"]
                i = end + 1
            else:
                result.append(lines[i])
                i += 1
        if result == lines:
            continue
        if args.check:
            stale.append(doc)
            sys.stdout.writelines(difflib.unified_diff([line + "\n" for line in lines],
                                                       [line + "\n" for line in result],
                                                       doc + " (pasted)", doc + " (run now)"))
            continue
        with open(doc, "w", encoding="utf-8") as handle:
            handle.write("\n".join(result))
    if stale:
        sys.exit("paste-doc-outputs: stale outputs in " + ", ".join(stale) +
                 "; run scripts/paste-doc-outputs.py " + " ".join(stale))


if __name__ == "__main__":
    main()
