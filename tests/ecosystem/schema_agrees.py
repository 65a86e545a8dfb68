#!/usr/bin/python3
"""The JSON Schema is valid draft 2020-12; every shipped example passes it and
`stash-hook validate`; and on a set of good and bad specs the two agree."""
import glob, json, os, subprocess, sys, tempfile

import jsonschema
import yaml

binary, schema_path, examples = sys.argv[1:4]
schema = json.load(open(schema_path))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []

def schema_ok(doc):
    return not list(validator.iter_errors(doc))

def validate_ok(path):
    return subprocess.run([binary, "validate", "-f", path], capture_output=True).returncode == 0

specs = sorted(glob.glob(os.path.join(examples, "**", "*.yaml"), recursive=True))
specs = [p for p in specs if "/demo/" not in p and open(p).readline().startswith("# yaml-language-server: $schema=")]
if len(specs) < 6:
    failures.append(f"expected at least 6 example specs, found {len(specs)}")
for path in specs:
    first = open(path).readline().strip()
    ref = first.split("$schema=", 1)[1]
    if os.path.normpath(os.path.join(os.path.dirname(path), ref)) != os.path.normpath(schema_path):
        failures.append(f"{path}: $schema points to {ref}, not the schema")
    if not schema_ok(yaml.safe_load(open(path))):
        failures.append(f"{path}: fails the schema: {[e.message for e in validator.iter_errors(yaml.safe_load(open(path)))][:2]}")
    if not validate_ok(path):
        failures.append(f"{path}: fails stash-hook validate")

good = [
    "command: [true]\n",
    "kind: restore\nhooks:\n  preRestore: {exec: {command: [x]}}\n",
    "hooks:\n  preBackup: [{tcpSocket: {port: postgresql}}, {httpGet: {port: 80, scheme: https}}]\n",
    "hooks:\n  postBackup: {httpPost: {port: 443, form: [{key: a, values: [b]}]}, executionPolicy: OnFailure, retry: {attempts: 2, delay: 1s}}\n",
    "timeout: 1m30s\nretries: {attempts: 1, delay: 30s}\nparallelism: 2\nmembers: [{name: a, command: [x]}]\n",
    "lock: /tmp/l\nlockWait: 5m\nsecretEnv: [TOKEN]\nmetricsFile: /tmp/m.prom\n",
    "lockWait: 5s\n",  # with --lock on the command line
    "nice: 10\nionice: best-effort:7\n",
    "monitor: [{type: healthchecks, url: 'https://hc-ping.com/x', required: true}]\n",
    "monitor: [{type: healthchecks, pingKey: k, slug: s}, {type: ntfy, url: 'http://n/t', tags: [a]}]\n",
    "warningExitCodes: [3]\nsuccessExitCodes: [5]\nstrictWarnings: true\ndefaults: {skipExitCode: 75}\n",
    "hooks:\n  preBackup: {skipExitCode: 75, exec: {command: [x]}}\n",
    "pipeline: [[pg_dump, db], [gzip]]\noutput: /tmp/db.sql.gz\n",
    "containerRuntime: kubectl\npod: p\nhooks:\n  preBackup: {containerName: c, exec: {command: [x]}}\n",
]
bad = [
    "timeout: 30\n",
    "timeout: 5 minutes\n",
    "kind: backpu\n",
    "timout: 5s\n",
    "command: restic backup\n",
    "hooks:\n  preBackup: {tcpSocket: {host: db}}\n",
    "hooks:\n  preBackup: {tcpSocket: {port: 70000}}\n",
    "hooks:\n  preBackup: {exec: {command: [a]}, tcpSocket: {port: 1}}\n",
    "hooks:\n  preBackup: {name: x}\n",
    "hooks:\n  preBackup: {exec: {command: [a]}, executionPolicy: Always}\n",
    "hooks:\n  postBackup: {exec: {command: [a]}, executionPolicy: Sometimes}\n",
    "hooks:\n  postBackup: {exec: {command: []}}\n",
    "hooks:\n  postBackup: {httpPost: {port: 1, body: x, form: []}}\n",
    "parallelism: 0\n",
    "members: []\n",
    "members: [{command: [x]}]\n",
    "containerRuntime: dokcer\n",
    "nice: 40\n",
    "warningExitCodes: [0]\n",
    "warningExitCodes: 3\n",
    "hooks:\n  preBackup: {skipExitCode: 75, httpGet: {port: 80}}\n",
    "hooks:\n  postBackup: {skipExitCode: 75, exec: {command: [x]}}\n",
    "command: [x]\npipeline: [[a], [b]]\n",
    "pipeline: [[a]]\n",
    "pipeline: [[a], [b]]\nmembers: [{name: m, command: [x]}]\n",
    "ionice: realtime\n",
    "monitor: [{type: healthcheck, url: 'https://hc-ping.com/x'}]\n",
    "monitor: [{type: ntfy}]\n",
    "monitor: [{type: webhook, url: 'ftp://x/y'}]\n",
    "monitor: [{type: healthchecks, slug: s}]\n",
    "retries: {attempts: -1}\n",
]
with tempfile.TemporaryDirectory() as tmp:
    for expected, cases in ((True, good), (False, bad)):
        for i, text in enumerate(cases):
            path = os.path.join(tmp, f"case{i}.yaml")
            open(path, "w").write(text)
            by_schema = schema_ok(yaml.safe_load(text))
            by_stash_hook = validate_ok(path)
            if by_schema != expected or by_stash_hook != expected:
                failures.append(f"{'good' if expected else 'bad'} spec {text!r}: schema says {by_schema}, "
                                f"stash-hook validate says {by_stash_hook}")

for f in failures:
    print(f)
print(f"schema: {len(specs)} examples, {len(good)} good and {len(bad)} bad specs checked")
sys.exit(1 if failures else 0)
