#!/usr/bin/env python3
"""stash-hook generate: the systemd units pass `systemd-analyze verify`, each OnCalendar=
fires when the robfig schedule does (systemd-analyze calendar against validate's next
runs), @every is refused with a reason, and the crontab line and the CronJob carry the
schedule, its zone and a spec that validates."""
import os
import re
import subprocess
import sys
import tempfile

import yaml

BIN = os.path.abspath(sys.argv[1])
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(args, env=None, **kw):
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(args, capture_output=True, text=True, env=full_env, timeout=60, **kw)


TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")

with tempfile.TemporaryDirectory() as tmp:
    def spec(name, schedule, extra=""):
        path = os.path.join(tmp, name + ".yaml")
        with open(path, "w") as f:
            f.write(f"name: {name}\n" + (f"schedule: {schedule!r}\n" if schedule else "") + f"command: [true]\n{extra}")
        return path

    # Each schedule: its OnCalendar= lines, and the next three runs agree with robfig's.
    cases = {
        "0 3 * * *": ["*-*-* 03:00:00"],
        "30 2 * * 1-5": ["Mon..Fri *-*-* 02:30:00"],
        "*/15 */6 * * *": ["*-*-* 00,06,12,18:00,15,30,45:00"],
        "0 4 1,15 * *": ["*-*-01,15 04:00:00"],
        "0 5 1 * sun": ["*-*-01 05:00:00", "Sun *-*-* 05:00:00"],
        "0 0 29 2 *": ["*-02-29 00:00:00"],
        "@weekly": ["Sun *-*-* 00:00:00"],
        "15 1 * jan-mar,dec sat": ["Sat *-01..03,12-* 01:15:00"],
        "CRON_TZ=Europe/Berlin 30 2 * * *": ["*-*-* 02:30:00 Europe/Berlin"],
    }
    for i, (schedule, calendars) in enumerate(cases.items()):
        path = spec(f"s{i}", schedule)
        units = os.path.join(tmp, f"units{i}")
        r = run([BIN, "generate", "systemd", "-f", path, "--install", "--unit-dir", units, "--binary", BIN])
        check(r.returncode == 0, f"{schedule}: generate systemd --install exits 0: {r.stderr}")
        timer = open(os.path.join(units, f"stash-hook-s{i}.timer")).read()
        got = re.findall(r"^OnCalendar=(.*)$", timer, re.M)
        check(got == calendars, f"{schedule}: OnCalendar {got} != {calendars}")
        check("Persistent=true" in timer, f"{schedule}: Persistent=true")
        service = open(os.path.join(units, f"stash-hook-s{i}.service")).read()
        for line in ("StateDirectory=stash-hook", "Nice=10", "IOSchedulingClass=best-effort", "NoNewPrivileges=yes",
                     "ProtectSystem=full", "--lock %S/stash-hook/s%i.lock".replace("%i", str(i))):
            check(line in service, f"{schedule}: the service has {line}")
        v = run(["systemd-analyze", "verify", "--man=no", os.path.join(units, f"stash-hook-s{i}.service"),
                 os.path.join(units, f"stash-hook-s{i}.timer")])
        check(v.returncode == 0 and not v.stderr.strip(), f"{schedule}: systemd-analyze verify: {v.stderr}")
        zone = "Europe/Berlin" if "Berlin" in schedule else "UTC"
        ours = run([BIN, "validate", "-f", path], env={"TZ": zone})
        expected = TIME.findall(ours.stdout)[:3]
        cal = run(["systemd-analyze", "calendar", "--iterations=3"] + calendars, env={"TZ": zone})
        elapses = [l for l in cal.stdout.splitlines() if "Next elapse:" in l or "Iter. #" in l]
        theirs = sorted(set(TIME.findall("\n".join(elapses))))[:3]
        check(len(expected) == 3 and expected == theirs,
              f"{schedule}: systemd fires at {theirs}, robfig at {expected}")

    # @every counts from the scheduler's start: no calendar says that.
    r = run([BIN, "generate", "systemd", "-f", spec("every", "@every 90m")])
    check(r.returncode == 125 and "@every 90m" in r.stderr and "calendar" in r.stderr and not r.stdout,
          f"@every is refused with a reason: {r.returncode} {r.stderr}")
    r = run([BIN, "generate", "cron", "-f", spec("every2", "@every 90m")])
    check(r.returncode == 125, "@every is refused for cron too")
    r = run([BIN, "generate", "systemd", "-f", spec("none", "", "")])
    check(r.returncode == 125 and "no schedule" in r.stderr, f"no schedule: {r.stderr}")

    # --user units: no system-only hardening, no network-online.target; they verify too.
    path = spec("mine", "0 3 * * *", "nice: 5\nionice: idle\nlock: /tmp/mine.lock\n")
    r = run([BIN, "generate", "systemd", "--user", "-f", path, "--binary", BIN])
    check(r.returncode == 0, "generate systemd --user")
    check("ProtectSystem" not in r.stdout and "network-online" not in r.stdout, "--user units are user units")
    check("Nice=5" in r.stdout and "IOSchedulingClass=idle" in r.stdout, "nice and ionice reach the unit")
    check("--lock" not in r.stdout, "the spec's own lock is kept")
    units = os.path.join(tmp, "user-units")
    run([BIN, "generate", "systemd", "--user", "-f", path, "--binary", BIN, "--install", "--unit-dir", units])
    runtime = os.path.join(tmp, "runtime")
    os.mkdir(runtime, 0o700)
    v = run(["systemd-analyze", "verify", "--man=no", "--user", os.path.join(units, "stash-hook-mine.service"),
             os.path.join(units, "stash-hook-mine.timer")], env={"XDG_RUNTIME_DIR": runtime})
    check(v.returncode == 0 and not v.stderr.strip(), f"--user units verify: {v.stderr}")

    # crontab: numbers (a */2 day is not a * to cron), the user field in /etc/cron.d.
    path = spec("c", "0 5 */2 * mon", "")
    r = run([BIN, "generate", "cron", "-f", path, "--binary", "/usr/bin/stash-hook"])
    lines = [l for l in r.stdout.splitlines() if l and not l.startswith("#")]
    check(lines == ["0 5 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31 * 1 root  /usr/bin/stash-hook run -q -f "
                    + path + " --lock /run/lock/stash-hook-c.lock"], f"crontab line: {lines}")
    installed = os.path.join(tmp, "cron.d")
    r = run([BIN, "generate", "cron", "-f", path, "--install", "--unit-dir", installed])
    check(r.returncode == 0 and os.path.exists(os.path.join(installed, "stash-hook-c")), "cron --install")
    path = spec("z", "TZ=America/New_York 0 1 * * *")
    r = run([BIN, "generate", "cron", "--user", "-f", path])
    check("CRON_TZ=America/New_York\n0 1 * * *  " in r.stdout and " root " not in r.stdout, f"user crontab: {r.stdout}")

    # The CronJob: schedule without the prefix, timeZone, Forbid, the spec in a ConfigMap.
    path = spec("k8s", "CRON_TZ=Europe/Berlin 30 2 * * *", "namespace: shop\n")
    r = run([BIN, "generate", "kubernetes", "-f", path, "--image", "registry.example.org/stash-hook:0.1.0"])
    docs = list(yaml.safe_load_all(r.stdout))
    check([d["kind"] for d in docs] == ["ConfigMap", "CronJob"], "a ConfigMap and a CronJob")
    cj = docs[1]["spec"]
    check(cj["schedule"] == "30 2 * * *" and cj["timeZone"] == "Europe/Berlin", f"CronJob schedule: {cj}")
    check(cj["concurrencyPolicy"] == "Forbid", "one session at a time")
    check(docs[1]["metadata"]["namespace"] == "shop", "the spec's namespace")
    pod = cj["jobTemplate"]["spec"]["template"]["spec"]
    check(pod["containers"][0]["image"] == "registry.example.org/stash-hook:0.1.0", "the image")
    embedded = os.path.join(tmp, "embedded.yaml")
    with open(embedded, "w") as f:
        f.write(docs[0]["data"]["stash-hook.yaml"])
    check(run([BIN, "validate", "-f", embedded]).returncode == 0, "the embedded spec validates")

print("timers:", "FAILED" if failures else "ok")
sys.exit(1 if failures else 0)
