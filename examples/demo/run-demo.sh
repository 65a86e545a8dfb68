#!/usr/bin/env bash
# make demo: a real restic backup of examples/demo/data wrapped by stash-hook, with
# an exec, a tcpSocket, an httpGet and httpPost hooks against a local endpoint that
# this script starts and stops; then one forced failure, whose ping carries restic's own
# error (capture). Ends with the outcome and the status file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "$root/${BUILD_DIR:-build}" && pwd)
demo="$build/demo"
bin="$build/app/stash-hook"

rm -rf "$demo"
mkdir -p "$demo"
cp -r "$here/data" "$demo/data"
export RESTIC_PASSWORD=demo-password RESTIC_CACHE_DIR="$demo/cache"
restic init -q -r "$demo/repo"

"$build/examples/demo/stash-hook-demo-endpoint" "$demo/port" "$demo/endpoint.log" &
endpoint=$!
trap 'kill $endpoint 2>/dev/null; wait $endpoint 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$demo/port" ] && break; sleep 0.05; done
port=$(cat "$demo/port")
sed -e "s|@DEMO@|$demo|g" -e "s|@PORT@|$port|g" "$here/hooks.yaml.in" > "$demo/hooks.yaml"

echo "== stash-hook plan -f $demo/hooks.yaml"
"$bin" plan -f "$demo/hooks.yaml"
echo
echo "== stash-hook run -f $demo/hooks.yaml"
set +e
"$bin" run -f "$demo/hooks.yaml"
code=$?
set -e
echo
echo "== exit code: $code"
echo
echo "== a forced failure: stash-hook run -f $demo/hooks.yaml -- restic ... backup $demo/no-such-folder"
set +e
"$bin" run -f "$demo/hooks.yaml" --status-file "$demo/failed-status.json" -- \
    restic -r "$demo/repo" backup --no-cache --host demo "$demo/no-such-folder"
failed=$?
set -e
echo "== exit code: $failed (the failure ping below says why)"
grep -q 'Fatal: all target directories/files do not exist' "$demo/endpoint.log" ||
    { echo "the failure ping does not carry the task's error" >&2; exit 1; }
echo "== what the endpoint received:"
sed 's/^/   /' "$demo/endpoint.log"
echo "== the application's markers:"
cat "$demo/data/app/FLUSHED" "$demo/data/app/RESUMED" | sed 's/^/   /'
echo "== restic snapshots:"
restic -r "$demo/repo" --no-cache snapshots
echo "== status file $demo/status.json:"
cat "$demo/status.json"
exit "$code"
