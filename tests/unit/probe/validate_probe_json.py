#!/usr/bin/env python3
"""Runs `llm-hw probe --json` on fixture machines (and the live one) and validates
each document against docs/schema/probe-v1.json (JSON Schema draft 2020-12).

    validate_probe_json.py LLM_HW SCHEMA MACHINES_DIR FAKE_NVML_LIB
"""
import json
import os
import subprocess
import sys

import jsonschema


def main():
    binary, schema_path, machines, fake_nvml = sys.argv[1:5]
    with open(schema_path) as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    cases = [("live machine", {"LLM_HW_NO_NVML": "1"})]
    for name in sorted(os.listdir(machines)):
        root = os.path.join(machines, name)
        if not os.path.isdir(root):
            continue
        env = {"LLM_HW_ROOT": root, "LLM_HW_NO_NVML": "1"}
        if os.path.exists(os.path.join(root, "nvml.conf")):
            env = {"LLM_HW_ROOT": root, "LLM_HW_NVML_LIB": fake_nvml,
                   "FAKE_NVML_CONFIG": os.path.join(root, "nvml.conf")}
        cases.append((name, env))
    cases.append(("tpu-v5e-4 with TPU variables", {"LLM_HW_ROOT": os.path.join(machines, "tpu-v5e-4"),
                                                   "LLM_HW_NO_NVML": "1", "TPU_ACCELERATOR_TYPE": "v5litepod-4",
                                                   "CUDA_VISIBLE_DEVICES": ""}))
    failures = 0
    for label, extra in cases:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_HW_", "TPU_", "FAKE_NVML"))}
        env.update(extra)
        run = subprocess.run([binary, "probe", "--json"], env=env, capture_output=True, text=True, timeout=60)
        if run.returncode != 0:
            print(f"{label}: exit {run.returncode}: {run.stderr.strip()}")
            failures += 1
            continue
        document = json.loads(run.stdout)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        for error in errors:
            print(f"{label}: {'/'.join(map(str, error.path))}: {error.message}")
        failures += 1 if errors else 0
        if not document["devices"]:
            print(f"{label}: no devices")
            failures += 1
        print(f"{label}: {len(document['devices'])} devices, {'invalid' if errors else 'valid'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
