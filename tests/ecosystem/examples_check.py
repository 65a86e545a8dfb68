#!/usr/bin/python3
"""The examples that are not specs hold together: the Kubernetes CronJob's spec
validates and matches examples/kubernetes/hooks.yaml, the systemd units, the crontab
line and the CI step run stash-hook on a spec that validates."""
import os, re, subprocess, sys

import yaml

binary, examples = sys.argv[1:3]
failures = []

def validates(text, what):
    r = subprocess.run([binary, "validate", "-f", "-"], input=text.encode(), capture_output=True)
    if r.returncode != 0:
        failures.append(f"{what}: stash-hook validate says {r.stderr.decode().strip()}")

docs = docs_cron = list(yaml.safe_load_all(open(os.path.join(examples, "kubernetes/cronjob.yaml"))))
kinds = [d["kind"] for d in docs]
if kinds != ["ConfigMap", "CronJob"]:
    failures.append(f"cronjob.yaml: kinds {kinds}")
else:
    embedded = docs[0]["data"]["hooks.yaml"]
    validates(embedded, "cronjob.yaml ConfigMap hooks.yaml")
    standalone = open(os.path.join(examples, "kubernetes/hooks.yaml")).read().split("\n", 1)[1]
    if embedded.strip() != standalone.strip():
        failures.append("cronjob.yaml: the ConfigMap's spec differs from kubernetes/hooks.yaml")
    container = docs[1]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    if container["args"][:2] != ["run", "-f"]:
        failures.append(f"cronjob.yaml: container args {container['args']}")

docs = list(yaml.safe_load_all(open(os.path.join(examples, "kubernetes/sidecar-deployment.yaml"))))
if [d["kind"] for d in docs] != ["ConfigMap", "Deployment"]:
    failures.append("sidecar-deployment.yaml: expected a ConfigMap and a Deployment")
else:
    embedded = docs[0]["data"]["hooks.yaml"]
    validates(embedded, "sidecar-deployment.yaml ConfigMap hooks.yaml")
    standalone = open(os.path.join(examples, "kubernetes/sidecar-hooks.yaml")).read().split("\n", 1)[1]
    if embedded.strip() != standalone.strip():
        failures.append("sidecar-deployment.yaml: the ConfigMap's spec differs from kubernetes/sidecar-hooks.yaml")
    sidecar = [c for c in docs[1]["spec"]["template"]["spec"]["containers"] if c.get("args", [])[:1] == ["serve"]]
    if not sidecar or not any(e["name"] == "STASH_HOOK_TOKEN" for e in sidecar[0]["env"]):
        failures.append("sidecar-deployment.yaml: no serve sidecar with a token")

service = open(os.path.join(examples, "systemd/stash-hook-backup.service")).read()
timer = open(os.path.join(examples, "systemd/stash-hook-backup.timer")).read()
m = re.search(r"^ExecStart=/usr/bin/stash-hook run -f /etc/stash-hook/(\S+)$", service, re.M)
if not m or "Type=oneshot" not in service:
    failures.append("systemd service: no oneshot ExecStart running stash-hook on a spec")
elif not os.path.exists(os.path.join(examples, m.group(1))):
    failures.append(f"systemd service: {m.group(1)} is not among the examples")
if not re.search(r"^OnCalendar=", timer, re.M) or "WantedBy=timers.target" not in timer:
    failures.append("systemd timer: no OnCalendar or timers.target")

lines = [l for l in open(os.path.join(examples, "cron/crontab")) if l.strip() and not l.startswith("#")]
if len(lines) != 1 or not re.match(r"^(\S+\s+){5}.*/usr/bin/stash-hook run .*-f /etc/stash-hook/(\S+)", lines[0]):
    failures.append(f"crontab: {lines}")
else:
    spec = re.search(r"-f /etc/stash-hook/(\S+)", lines[0]).group(1)
    if not os.path.exists(os.path.join(examples, spec)):
        failures.append(f"crontab: {spec} is not among the examples")

ci = yaml.safe_load(open(os.path.join(examples, "ci/gitlab-ci.yml")))
script = " ".join(next(iter(ci.values()))["script"])
for spec in re.findall(r"-f (examples/\S+\.yaml)", script):
    path = os.path.join(os.path.dirname(examples), spec)
    if not os.path.exists(path):
        failures.append(f"gitlab-ci.yml: {spec} does not exist")
    else:
        validates(open(path).read(), f"gitlab-ci.yml {spec}")

# A pipeline under a plain `sh -c` ends with the last command's status: a dump that
# fails half way still becomes a "successful" backup. Every shipped pipeline runs
# under bash with `set -o pipefail` (README and every example).
shell_line = re.compile(r"\[\s*(sh|bash|/bin/sh|/bin/bash|dash)\s*,\s*-c\s*,\s*(.*)\]")
root = os.path.dirname(os.path.abspath(examples))
shipped = [os.path.join(root, "README.md")]
for folder, _, names in os.walk(examples):
    shipped += [os.path.join(folder, n) for n in names if not n.endswith((".cpp", ".txt"))]
for path in sorted(shipped):
    for number, line in enumerate(open(path, errors="replace"), 1):
        m = shell_line.search(line)
        if not m or not re.search(r"(?<!\|)\|(?!\|)", m.group(2)):
            continue
        if m.group(1).endswith("sh") and not m.group(1).endswith("bash") or "pipefail" not in m.group(2):
            failures.append(f"{os.path.relpath(path, root)}:{number}: a pipeline under {m.group(1)} -c without "
                            "set -o pipefail hides a failed dump: use [bash, -c, \"set -o pipefail; ...\"]")
# The image the examples run is the one the Containerfile builds (no container build or
# Kubernetes schema is available offline: the tag and the schedule are what is checked).
containerfile = open(os.path.join(os.path.dirname(examples), "Containerfile")).read()
built = re.search(r"build -f Containerfile -t (\S+) \.", containerfile).group(1)
images = {"cronjob.yaml": docs_cron[1]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["image"],
          "sidecar-deployment.yaml": [c["image"] for c in docs[1]["spec"]["template"]["spec"]["containers"]
                                      if c.get("args", [])[:1] == ["serve"]][0],
          "gitlab-ci.yml": next(iter(ci.values()))["image"]}
for where, image in images.items():
    if image != built:
        failures.append(f"{where}: image {image} is not the one the Containerfile builds ({built})")
validates(f"schedule: {docs_cron[1]['spec']['schedule']!r}\n", "cronjob.yaml schedule (robfig/cron, as Kubernetes)")

for f in failures:
    print(f)
print("examples: CronJob, sidecar Deployment, systemd units, crontab and CI step checked")
sys.exit(1 if failures else 0)
