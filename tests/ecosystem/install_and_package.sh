#!/usr/bin/env bash
# `cmake --install` puts every file where Debian looks for it, and the .deb built by
# CPack holds them with its dependencies worked out.
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
DESTDIR="$work/root" cmake --install "$build" --prefix /usr >/dev/null
fail=0
module=$(cd "$work/root" && find usr/lib -path '*/stash-hook/stash-hook-http.so' | head -1)
[ -n "$module" ] || { echo "not installed: the HTTP module stash-hook-http.so"; fail=1; }
for f in usr/bin/stash-hook usr/share/man/man1/stash-hook.1.gz usr/share/doc/stash-hook/copyright \
         usr/share/doc/stash-hook/changelog.gz \
         usr/share/bash-completion/completions/stash-hook usr/share/zsh/vendor-completions/_stash-hook \
         usr/share/fish/vendor_completions.d/stash-hook.fish usr/share/stash-hook/stash-hook.schema.json \
         usr/share/doc/stash-hook/examples/restic.yaml usr/share/doc/stash-hook/README.md; do
    [ -e "$work/root/$f" ] || { echo "not installed: /$f"; fail=1; }
done
[ -x "$work/root/usr/bin/stash-hook" ] && "$work/root/usr/bin/stash-hook" version | grep -q '^stash-hook ' || fail=1
# The installed program finds its installed module: an httpGet hook to a closed port
# fails as a connection failure, not as a missing module.
printf 'hooks:\n  postBackup:\n    httpGet: {host: 127.0.0.1, port: 9, path: /}\n' >"$work/http.yaml"
set +e
http_err=$(env -u STASH_HOOK_HTTP_MODULE "$work/root/usr/bin/stash-hook" run -f "$work/http.yaml" -- true 2>&1)
http_code=$?
set -e
{ [ "$http_code" = 121 ] && grep -q "failed to connect to 127.0.0.1:9" <<<"$http_err"; } ||
    { echo "installed binary with an HTTP hook: exit $http_code: $http_err"; fail=1; }
# The installed examples name the installed schema, which an editor can load.
for spec in "$work"/root/usr/share/doc/stash-hook/examples/*.yaml "$work"/root/usr/share/doc/stash-hook/examples/kubernetes/hooks.yaml; do
    grep -q '^# yaml-language-server: \$schema=/usr/share/stash-hook/stash-hook.schema.json$' "$spec" ||
        { echo "$spec does not name /usr/share/stash-hook/stash-hook.schema.json: $(head -1 "$spec")"; fail=1; }
done
[ ! -e "$work/root/usr/share/doc/stash-hook/examples/demo" ] || { echo "the demo was installed"; fail=1; }

(cd "$build" && cpack -G DEB -B "$work/pkg" >/dev/null)
deb=$(ls "$work"/pkg/stash-hook_*.deb)
contents=$(dpkg-deb -c "$deb")
info=$(dpkg-deb -I "$deb")
for f in ./usr/bin/stash-hook "./$module" ./usr/share/man/man1/stash-hook.1.gz ./usr/share/bash-completion/completions/stash-hook \
         ./usr/share/zsh/vendor-completions/_stash-hook ./usr/share/fish/vendor_completions.d/stash-hook.fish ./var/lib/stash-hook/; do
    grep -q " $f\$" <<<"$contents" || { echo "package lacks $f"; fail=1; }
done
for dep in libcpp-httplib0.11 libssl3 libc6; do
    grep -q "Depends:.*$dep" <<<"$info" || { echo "package does not depend on $dep"; echo "$info"; fail=1; }
done
grep -q "Package: stash-hook" <<<"$info" || fail=1
# lintian (TEST_DEBS): no errors.
if command -v lintian >/dev/null; then
    tags=$(lintian --no-tag-display-limit "$deb" 2>&1 || true)
    errors=$(grep '^E:' <<<"$tags" || true)
    [ -z "$errors" ] || { echo "lintian errors:"; echo "$errors"; fail=1; }
    echo "lintian: $(grep -c '^E:' <<<"$tags" || true) errors, $(grep -c '^W:' <<<"$tags" || true) warnings"
else
    echo "lintian is not installed (make test-deps installs it)"; fail=1
fi
[ "$fail" = 0 ] && echo "install and package: ok ($(basename "$deb"))"
exit "$fail"
