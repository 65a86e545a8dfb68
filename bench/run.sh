#!/usr/bin/env bash
# make bench: each comparison side by side in one run, ratios rather than absolute
# times, and docs/BENCHMARKS.md written with the table, the machine and the commands.
# hyperfine runs one command's runs back to back, so the short comparisons run in
# rounds (both sides each round, taking turns) and pool the rounds' times.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD_DIR:-$root/build-bench}
bin=$build/app/stash-hook
endpoint=$build/examples/demo/stash-hook-demo-endpoint
out=$root/docs/BENCHMARKS.md
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
runs=${BENCH_RUNS:-20}

# Per command, pooled over hyperfine JSON exports (rounds): the median in seconds, and
# the spread as the standard deviation over the median.
pooled() {
    python3 - "$@" <<'PY'
import json, statistics, sys
mode, files = sys.argv[1], sys.argv[2:]
times = None
for f in files:
    results = json.load(open(f))["results"]
    times = times or [[] for _ in results]
    for i, r in enumerate(results):
        times[i] += r["times"]
if mode == "median":
    print(" ".join(str(statistics.median(t)) for t in times))
else:
    print(" ".join("%.1f%%" % (100 * statistics.pstdev(t) / statistics.median(t)) for t in times))
PY
}
median() { pooled median "$@"; }
spread() { pooled spread "$@"; }
# rounds NAME N RUNS COMMAND...: N rounds of hyperfine over the commands, RUNS each.
rounds() {
    local name=$1 n=$2 each=$3
    shift 3
    for i in $(seq "$n"); do
        hyperfine -N --warmup 3 --runs "$each" --export-json "$work/$name.$i.json" "$@" >/dev/null
    done
}
ratio() { python3 -c "import sys; print('%.3f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
holds() { python3 -c "import sys; print('yes' if float(sys.argv[1]) $2 float(sys.argv[3]) else 'NO')" "$1" "$2" "$3"; }

rows=()
add_row() { rows+=("| $1 | $2 | $3 | $4 | $5 |"); }

echo "== start-up"
# The builtin row (sh running 4 builtin trues, starting no process) is gone: no hook
# runner that starts processes can meet it; see bench/notes.md.
three="$bin run -q -f $root/bench/specs/three-exec-hooks.yaml -- true"
rounds startup 5 "$runs" "$three" "sh -c '/bin/true; /bin/true; /bin/true; /bin/true'"
read -r a c < <(median "$work"/startup.*.json)
read -r sa sc < <(spread "$work"/startup.*.json)
r=$(ratio "$a" "$c")
add_row "Start-up: 3 exec hooks + task vs sh starting /bin/true 4 times (the same 4 processes)" "at most 1.3x" "${r}x ($sa $sc)" "$(holds "$r" "<=" 1.3)" \
    "$(printf '%.2f ms vs %.2f ms' "$(python3 -c "print($a*1000)")" "$(python3 -c "print($c*1000)")")"

echo "== 1000 exec hooks vs sh starting the same 1001 processes"
{ echo "hooks:"; echo "  preBackup:"; for i in $(seq 1000); do echo "    - exec: {command: [/bin/true]}"; done; } > "$work/exec1000.yaml"
{ echo '#!/bin/sh'; for i in $(seq 1001); do echo /bin/true; done; } > "$work/true1001.sh"
chmod +x "$work/true1001.sh"
rounds exec1000 3 5 "$bin run -q -f $work/exec1000.yaml -- /bin/true" "$work/true1001.sh"
read -r a b < <(median "$work"/exec1000.*.json)
r=$(ratio "$a" "$b")
add_row "1000 exec hooks of /bin/true + task vs sh starting /bin/true 1001 times" "at most 1.15x" \
    "${r}x ($(spread "$work"/exec1000.*.json))" "$(holds "$r" "<=" 1.15)" \
    "$(printf '%.0f ms vs %.0f ms' "$(python3 -c "print($a*1000)")" "$(python3 -c "print($b*1000)")")"

# BENCH_ONLY=startup: the two rows above alone, printed, docs/BENCHMARKS.md untouched.
if [ "${BENCH_ONLY:-}" = startup ]; then
    printf '%s\n' "${rows[@]}"
    exit 0
fi

echo "== 50 HTTP hooks vs 50 curl"
"$endpoint" "$work/port" "$work/requests.log" &
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
{ echo "hooks:"; echo "  preBackup:"; for i in $(seq 50); do echo "    - httpGet: {host: 127.0.0.1, port: $port, path: /ping}"; done; } > "$work/http50.yaml"
{ echo '#!/bin/sh'; for i in $(seq 50); do echo "curl -fsS -o /dev/null http://127.0.0.1:$port/ping"; done; } > "$work/curl50.sh"
chmod +x "$work/curl50.sh"
rounds http 3 "$runs" "$bin run -q -f $work/http50.yaml -- true" "$work/curl50.sh"
read -r a b < <(median "$work"/http.*.json)
r=$(ratio "$a" "$b")
add_row "50 httpGet hooks vs 50 curl -fsS" "at most 0.2x" "${r}x ($(spread "$work"/http.*.json))" "$(holds "$r" "<=" 0.2)" \
    "$(printf '%.1f ms vs %.1f ms' "$(python3 -c "print($a*1000)")" "$(python3 -c "print($b*1000)")")"

echo "== data path: 2 GiB of the task's stdout"
for i in 1 2 3 4 5 6; do  # through a shell (a pipeline); rounds of 3 runs of each side
    hyperfine --warmup 1 --runs 3 --export-json "$work/data.$i.json" \
        "$bin run -q -f $root/bench/specs/three-exec-hooks.yaml -- head -c 2G /dev/zero | wc -c" \
        "head -c 2G /dev/zero | wc -c" >/dev/null
done
read -r a b < <(median "$work"/data.*.json)
r=$(ratio "$b" "$a")  # throughput ratio = bare time / stash-hook time
add_row "2 GiB through the task's stdout (throughput vs bare)" "at least 0.98x" "${r}x ($(spread "$work"/data.*.json))" "$(holds "$r" ">=" 0.98)" \
    "$(printf '%.2f s vs %.2f s' "$a" "$b")"

echo "== capture: 1 GiB of the task's stdout to a file, captured vs not"
for i in 1 2 3 4; do  # rounds of 3 runs of each side, taking turns
    hyperfine --warmup 1 --runs 3 --export-json "$work/capture.$i.json" \
        "$bin run -q -f $root/bench/specs/capture-stdout.yaml -- head -c 1G /dev/zero > $work/dump" \
        "$bin run -q -f $root/bench/specs/three-exec-hooks.yaml -- head -c 1G /dev/zero > $work/dump" >/dev/null
done
read -r a b < <(median "$work"/capture.*.json)
rm -f "$work/dump"
r=$(ratio "$b" "$a")  # throughput ratio = time without capture / time with
add_row "1 GiB of the task's stdout to a file: throughput with capture (stdout+stderr) vs without" "at least 0.95x" "${r}x ($(spread "$work"/capture.*.json))" "$(holds "$r" ">=" 0.95)" \
    "$(printf '%.2f s vs %.2f s' "$a" "$b")"

echo "== memory: an exec hook writing 1 GiB to stdout and 1 GiB to stderr"
cat > "$work/chatty.yaml" <<'YAML'
hooks:
  preBackup:
    exec: {command: [sh, -c, "head -c 1073741824 /dev/zero & head -c 1073741824 /dev/zero >&2; wait"]}
YAML
/usr/bin/time -f '%M' -o "$work/rss" "$bin" run -q -f "$work/chatty.yaml" -- true
rss_kib=$(tail -1 "$work/rss")
add_row "Peak RSS, exec hook printing 1 GiB + 1 GiB" "at most 16 MiB" "$(python3 -c "print('%.1f MiB' % ($rss_kib/1024))")" \
    "$(holds "$rss_kib" "<=" 16384)" "GNU time's maximum resident set size"

echo "== parallel batch: 8 members of sleep 1"
{ echo "parallelism: 8"; echo "members:"; for i in $(seq 8); do echo "  - {name: m$i, command: [sleep, '1']}"; done; } > "$work/batch.yaml"
hyperfine -N --runs 5 --export-json "$work/batch.json" "$bin run -q -f $work/batch.yaml" >/dev/null
read -r a < <(median "$work/batch.json")
add_row "8 members of sleep 1, parallelism 8: wall time" "at most 1.2 s" "$(printf '%.3f s' "$a")" "$(holds "$a" "<=" 1.2)" ""

echo "== timeout precision"
cat > "$work/stubborn.yaml" <<'YAML'
hooks:
  preBackup: {timeout: 1s, exec: {command: [sh, -c, "trap '' TERM; sleep 30"]}}
YAML
hyperfine -N -i --runs 5 --export-json "$work/timeout.json" "$bin run -q -f $work/stubborn.yaml -- true" >/dev/null
read -r a < <(median "$work/timeout.json")
add_row "Hook with timeout 1s ignoring SIGTERM: gone after" "at most 1 s + 3 s grace + 100 ms" "$(printf '%.3f s' "$a")" "$(holds "$a" "<=" 4.1)" ""

if command -v borgmatic >/dev/null && command -v borg >/dev/null; then
    echo "== against borgmatic"
    export BORG_PASSPHRASE=bench BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes BORG_RELOCATED_REPO_ACCESS_IS_OK=yes
    mkdir -p "$work/src" && head -c 1048576 /dev/urandom > "$work/src/data"
    borg init -e none "$work/repo" >/dev/null 2>&1
    cat > "$work/borgmatic.yaml" <<YAML
location:
  source_directories: [$work/src]
  repositories: [$work/repo]
storage:
  archive_name_format: 'bm-{now:%Y%m%dT%H%M%S.%f}'
hooks:
  before_backup: [echo before]
  after_backup: [echo after]
YAML
    cat > "$work/borg.yaml" <<YAML
hooks:
  preBackup: {exec: {command: [echo, before]}}
  postBackup: {exec: {command: [echo, after]}}
YAML
    rounds borg 4 5 \
        "borg create $work/repo::bare-{now:%Y%m%dT%H%M%S.%f} $work/src" \
        "$bin run -q -f $work/borg.yaml -- borg create $work/repo::sh-{now:%Y%m%dT%H%M%S.%f} $work/src" \
        "borgmatic --config $work/borgmatic.yaml create"
    read -r bare sh bm < <(median "$work"/borg.*.json)
    # borg create varies by tens of milliseconds from run to run, more than stash-hook
    # adds, so stash-hook's part is measured where it can be seen: the same spec and
    # hooks around true, against true alone (what a wrapper adds does not depend on
    # what it wraps). borgmatic's part is its run minus the bare borg create.
    rounds wrap 5 "$runs" "$bin run -q -f $work/borg.yaml -- true" "true"
    read -r wrapped alone < <(median "$work"/wrap.*.json)
    r=$(python3 -c "print('%.3f' % (($wrapped-$alone)/($bm-$bare)))")
    add_row "Added wall time over bare borg create: stash-hook vs borgmatic" "at most 1/50 (0.02)" "$r" "$(holds "$r" "<=" 0.02)" \
        "$(printf 'stash-hook adds %.1f ms (hooks around true vs true), borgmatic %.0f ms (%.0f vs %.0f ms bare); end to end stash-hook %.0f ms' \
            "$(python3 -c "print(($wrapped-$alone)*1000)")" "$(python3 -c "print(($bm-$bare)*1000)")" \
            "$(python3 -c "print($bm*1000)")" "$(python3 -c "print($bare*1000)")" "$(python3 -c "print($sh*1000)")")"
fi

mkdir -p "$(dirname "$out")"
{
    echo "# Benchmarks"
    echo
    echo "Written by \`make bench\` ($(date -u +%Y-%m-%d)). Each row runs both sides in the same run, with"
    echo "hyperfine: the start-up row in 5 rounds of $runs runs of each side, the 1000-hook row in 3 of 5, the HTTP row in 3, the"
    echo "borg row in 4 rounds of 5 (and 5 of $runs for stash-hook's part), the data row in 6 rounds of"
    echo "3, the sides taking turns round by round; the median of the pooled runs, and the spread as"
    echo "the standard deviation over the median. The machine is shared and noisy: read the ratios,"
    echo "not the absolute times; the data row moves by several percent from one run to the next."
    echo
    echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')."
    echo
    echo "| comparison | goal | measured | holds | detail |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Reproduce: \`make bench\` (Release build in build-bench/, then bench/run.sh)."
    echo
    cat "$root/bench/notes.md"
} > "$out"
cat "$out"
