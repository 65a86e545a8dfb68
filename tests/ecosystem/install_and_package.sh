#!/usr/bin/env bash
# `cmake --install` puts every file where Debian looks for it, and the .deb built by
# CPack holds them with its dependencies worked out.
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
DESTDIR="$work/root" cmake --install "$build" --prefix /usr >/dev/null
fail=0
for f in usr/bin/stash-hook usr/share/man/man1/stash-hook.1 \
         usr/share/bash-completion/completions/stash-hook usr/share/zsh/vendor-completions/_stash-hook \
         usr/share/fish/vendor_completions.d/stash-hook.fish usr/share/stash-hook/stash-hook.schema.json \
         usr/share/doc/stash-hook/examples/restic.yaml usr/share/doc/stash-hook/README.md; do
    [ -e "$work/root/$f" ] || { echo "not installed: /$f"; fail=1; }
done
[ -x "$work/root/usr/bin/stash-hook" ] && "$work/root/usr/bin/stash-hook" version | grep -q '^stash-hook ' || fail=1
[ ! -e "$work/root/usr/share/doc/stash-hook/examples/demo" ] || { echo "the demo was installed"; fail=1; }

(cd "$build" && cpack -G DEB -B "$work/pkg" >/dev/null)
deb=$(ls "$work"/pkg/stash-hook_*.deb)
contents=$(dpkg-deb -c "$deb")
info=$(dpkg-deb -I "$deb")
for f in ./usr/bin/stash-hook ./usr/share/man/man1/stash-hook.1 ./usr/share/bash-completion/completions/stash-hook \
         ./usr/share/zsh/vendor-completions/_stash-hook ./usr/share/fish/vendor_completions.d/stash-hook.fish; do
    grep -q " $f\$" <<<"$contents" || { echo "package lacks $f"; fail=1; }
done
for dep in libyaml-cpp0.7 libspdlog1.10 libssl3 libc6; do
    grep -q "Depends:.*$dep" <<<"$info" || { echo "package does not depend on $dep"; echo "$info"; fail=1; }
done
grep -q "Package: stash-hook" <<<"$info" || fail=1
[ "$fail" = 0 ] && echo "install and package: ok ($(basename "$deb"))"
exit "$fail"
