#!/usr/bin/python3
"""The metrics file parses under Prometheus' text format rules (prometheus_client's
parser) and holds the session's outcome."""
import os, subprocess, sys, tempfile

from prometheus_client.parser import text_string_to_metric_families

binary = sys.argv[1]
with tempfile.TemporaryDirectory() as tmp:
    spec = os.path.join(tmp, "nightly.yaml")
    open(spec, "w").write("""hooks:
  preBackup: {name: "pre \\"quoted\\"", exec: {command: [true]}}
  postBackup: {name: alert, executionPolicy: OnFailure, exec: {command: [true]}}
members:
  - {name: db, command: [sh, -c, "exit 4"], hooks: {postBackup: {name: undo, exec: {command: [false]}}}}
  - {name: files, command: [true]}
""")
    metrics = os.path.join(tmp, "m.prom")
    run = subprocess.run([binary, "run", "-q", "-f", spec, "--metrics-file", metrics])
    assert run.returncode == 4, run.returncode
    text = open(metrics).read()
    samples = {}
    for family in text_string_to_metric_families(text):
        assert family.type == "gauge", family
        assert family.documentation, family.name
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value

    def get(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        assert key in samples, f"missing {key}\n{text}"
        return samples[key]

    assert get("stash_hook_last_success", target="nightly", kind="backup") == 0
    assert get("stash_hook_last_exit_code", target="nightly", kind="backup") == 4
    assert get("stash_hook_last_completion_time_seconds", target="nightly", kind="backup") >= \
        get("stash_hook_last_start_time_seconds", target="nightly", kind="backup")
    assert get("stash_hook_member_success", target="nightly", member="db") == 0
    assert get("stash_hook_member_success", target="nightly", member="files") == 1
    assert get("stash_hook_hook_success", target="nightly", member="", stage="preBackup",
               hook='pre "quoted"', action="exec") == 1
    assert get("stash_hook_hook_success", target="nightly", member="db", stage="postBackup",
               hook="undo", action="exec") == 0
    assert get("stash_hook_hook_success", target="nightly", member="", stage="postBackup",
               hook="alert", action="exec") == 1
    assert get("stash_hook_hook_attempts", target="nightly", member="db", stage="postBackup",
               hook="undo", action="exec") == 1
    print(f"metrics: {len(samples)} samples parsed")
