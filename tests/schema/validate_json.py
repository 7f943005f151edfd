#!/usr/bin/env python3
"""Validates llm-hw JSON output against its schema under docs/schema/.

    validate_json.py SCHEMA FILE
    validate_json.py SCHEMA [--exit-codes 0,1] [--expect-string TEXT]... -- COMMAND [ARG]...

The second form runs COMMAND (the real llm-hw binary) and validates what it
prints on stdout. Besides the schema, the document must be strict JSON (no NaN
or Infinity), valid UTF-8, and hold every --expect-string as one of its string
values exactly, so names with quotes, backslashes and non-ASCII letters are
checked to round-trip. Exit 0 when valid; 1 with one line per problem.
"""
import argparse
import json
import subprocess
import sys

import jsonschema


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def main():
    argv = sys.argv[1:]
    command = []
    if "--" in argv:
        split = argv.index("--")
        argv, command = argv[:split], argv[split + 1:]
    parser = argparse.ArgumentParser()
    parser.add_argument("schema")
    parser.add_argument("file", nargs="?")
    parser.add_argument("--exit-codes", default="0")
    parser.add_argument("--expect-string", action="append", default=[])
    args = parser.parse_args(argv)
    if bool(args.file) == bool(command):
        parser.error("give a FILE or -- COMMAND, not both")

    with open(args.schema, encoding="utf-8") as handle:
        schema = json.load(handle)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)

    if command:
        run = subprocess.run(command, capture_output=True, timeout=120)
        allowed = {int(code) for code in args.exit_codes.split(",")}
        if run.returncode not in allowed:
            print(f"{' '.join(command)}: exit code {run.returncode}, expected {args.exit_codes}; "
                  f"stderr: {run.stderr.decode(errors='replace').strip()}")
            return 1
        raw, origin = run.stdout, " ".join(command)
    else:
        with open(args.file, "rb") as handle:
            raw, origin = handle.read(), args.file

    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError) as error:
        print(f"{origin}: not a JSON document: {error}")
        return 1

    problems = [f"{origin}: {'/'.join(str(p) for p in error.absolute_path) or '(document)'}: {error.message}"
                for error in validator_class(schema).iter_errors(document)]
    found = set(strings_in(document))
    problems += [f"{origin}: the string {expected!r} is not in the document"
                 for expected in args.expect_string if expected not in found]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
