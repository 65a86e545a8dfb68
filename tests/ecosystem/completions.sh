#!/usr/bin/env bash
# Bash completion, driven as bash would drive it; zsh and fish scripts at least parse.
set -euo pipefail
bin=$(realpath "$1") dir=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$bin" "$work/bin/stash-hook"
export PATH="$work/bin:$PATH"
cd "$work"
cat > batch.yaml <<'YAML'
members:
  - {name: database, command: [true]}
  - {name: uploads, command: [true]}
YAML
touch other.yml notes.txt
source "$dir/stash-hook.bash"

fail=0
complete_line() {  # complete_line EXPECTED WORDS... : the last word is the one being completed
    local expected=$1; shift
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _stash_hook || true
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
    if [ "$got" != "$expected" ]; then
        echo "completing '$*': expected '$expected', got '$got'"
        fail=1
    fi
}
complete_line "hook" stash-hook ho
complete_line "plan" stash-hook pl
complete_line "serve" stash-hook se
complete_line "--listen" stash-hook serve --li
complete_line "backup restore" stash-hook run --kind ""
complete_line "json text" stash-hook --log-format ""
complete_line "Failed Succeeded" stash-hook hook --phase ""
complete_line "docker kubectl podman" stash-hook run --container-runtime ""
complete_line "postBackup postRestore" stash-hook hook -f batch.yaml po
complete_line "batch.yaml bin other.yml" stash-hook run -f ""
complete_line "database" stash-hook run -f batch.yaml --member da
complete_line "database uploads" stash-hook run --spec batch.yaml --member ""
complete_line "--dry-run" stash-hook run --dr
complete_line "--member --metrics-file" stash-hook run --me

zsh -n "$dir/_stash-hook" || { echo "zsh -n failed"; fail=1; }
fish -n "$dir/stash-hook.fish" || { echo "fish -n failed"; fail=1; }
# fish can also answer a completion query.
if ! fish -c "source $dir/stash-hook.fish; complete -C 'stash-hook run --kind '" | grep -q '^restore'; then
    echo "fish did not complete --kind"; fail=1
fi
[ "$fail" = 0 ] && echo "completions: ok"
exit "$fail"
