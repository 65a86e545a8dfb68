#!/usr/bin/env bash
# The man page renders without warnings and names every subcommand and every flag
# that --help lists, so the two cannot drift apart.
set -euo pipefail
bin=$1 page=$2
warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
[ -z "$warnings" ] || { echo "man --warnings: $warnings"; exit 1; }
rendered=$(MANWIDTH=200 man -l "$page" 2>/dev/null | col -b)
missing=0
check() {
    grep -qF -- "$1" <<<"$rendered" || { echo "man page lacks $1 (from $2 --help)"; missing=1; }
}
subcommands=$("$bin" --help | sed -n '/^[Ss][Uu][Bb][Cc][Oo][Mm][Mm][Aa][Nn][Dd][Ss]:/,$p' | awk 'NR > 1 && NF {print $1}')
[ -n "$subcommands" ] || { echo "no subcommands found in --help"; exit 1; }
for sub in "" $subcommands; do
    [ -n "$sub" ] && check "stash-hook $sub" "stash-hook"
    for flag in $("$bin" $sub --help | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,' | sort -u); do
        check "$flag" "stash-hook $sub"
    done
done
[ "$missing" = 0 ] && echo "man page matches --help: $(wc -w <<<"$subcommands") subcommands"
