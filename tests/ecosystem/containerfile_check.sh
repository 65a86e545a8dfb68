#!/usr/bin/env bash
# No container can be built here (no network, no podman or docker), so the Containerfile
# is checked against what it relies on: every file it copies out of the build stage is
# where `cmake --install --prefix /usr` puts it, it runs the installed program as its
# entrypoint as a user that is not root, on Debian slim, without tini, and the runtime
# packages it installs are the ones the module links against.
set -euo pipefail
build=$1 containerfile=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
DESTDIR="$work/install" cmake --install "$build" --prefix /usr >/dev/null
fail=0
copies=$(grep -E '^COPY --from=build ' "$containerfile" | awk '{print $3}')
[ -n "$copies" ] || { echo "no COPY --from=build lines"; fail=1; }
for src in $copies; do
    rel=${src#/install/}
    [ "$rel" != "$src" ] || { echo "COPY $src is not under /install"; fail=1; continue; }
    [ -f "$work/install/$rel" ] || { echo "COPY $src: cmake --install has no /$rel"; fail=1; }
done
for needed in usr/bin/stash-hook usr/lib/stash-hook/stash-hook-http.so; do
    grep -q "/install/$needed " "$containerfile" || { echo "the image lacks /$needed"; fail=1; }
done
grep -q 'DESTDIR=/install cmake --install /build --prefix /usr' "$containerfile" ||
    { echo "the build stage does not install to /install with --prefix /usr"; fail=1; }
grep -qE '^ENTRYPOINT \["/usr/bin/stash-hook"\]$' "$containerfile" || { echo "ENTRYPOINT is not stash-hook"; fail=1; }
user=$(grep -E '^USER ' "$containerfile" | tail -1 | awk '{print $2}')
case "${user%%:*}" in ''|0|root) echo "the image runs as root"; fail=1 ;; esac
[ "$(grep -cE '^FROM debian:\$\{DEBIAN\}-slim' "$containerfile")" = 2 ] || { echo "not Debian slim"; fail=1; }
! grep -v '^#' "$containerfile" | grep -qi tini || { echo "tini is not needed"; fail=1; }
# The module's shared libraries come from the packages the final stage installs.
runtime=$(awk '/^FROM debian:\$\{DEBIAN\}-slim$/{final=1} final' "$containerfile" | tr -d '\\' | tr ' ' '\n' |
          grep -E '^[a-z0-9][a-z0-9.+-]+$' | sort -u)
for lib in $(ldd "$work/install/usr/lib/stash-hook/stash-hook-http.so" | awk '$3 ~ /^\// {print $3}'); do
    pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -z "$pkg" ] && pkg=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1) || true
    # The C runtime is in every image; the sanitizer runtimes only link into this check's
    # build when the suite runs under `make test-sanitize` (the image builds Release).
    case "$pkg" in ''|libc6|libstdc++6|libgcc-s1|libasan[0-9]*|libubsan[0-9]*) continue ;; esac
    grep -qx "$pkg" <<<"$runtime" || { echo "the final stage does not install $pkg (for $(basename "$lib"))"; fail=1; }
done
[ "$fail" = 0 ] && echo "Containerfile: ok ($(wc -w <<<"$copies") files copied from the install layout)"
exit "$fail"
