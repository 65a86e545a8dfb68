#!/usr/bin/env bash
# A representative session under valgrind's memcheck: exec, tcpSocket, httpGet and a
# templated httpPost against a real local endpoint, a failing post hook, a status
# file. Fails on any memory error or definite leak in stash-hook itself.
set -euo pipefail
bin=$1 endpoint=$2
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
"$endpoint" "$work/port" "$work/requests.log" &
pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
cat > "$work/spec.yaml" <<YAML
name: memcheck
hooks:
  preBackup:
    - {name: flush, exec: {command: [sh, -c, "echo flushing; echo warn >&2"]}}
    - {name: up, tcpSocket: {host: 127.0.0.1, port: $port}}
    - {name: ping, httpGet: {host: 127.0.0.1, port: $port, path: "/ping/{{ .Target.Name }}"}}
  postBackup:
    - {name: notify, httpPost: {host: 127.0.0.1, port: $port, path: /n, body: '{{ toJson (dict "phase" .Status.Phase) }}'}}
    - {name: fails, onError: Continue, exec: {command: [sh, -c, "exit 3"]}}
YAML
valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
  --errors-for-leak-kinds=definite "$bin" run -f "$work/spec.yaml" --status-file "$work/status.json" -- true
grep -q '"phase": "Succeeded"' "$work/status.json"
grep -q 'POST /n {"phase":"Succeeded"}' "$work/requests.log"
echo "memcheck: clean"
