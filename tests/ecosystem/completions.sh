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
# One stage: not offered again once given.
complete_line "" stash-hook hook -f batch.yaml postBackup po
complete_line "--member" stash-hook hook postBackup --mem
# The wrapped command after -- is completed as a command, its arguments as files.
complete_line "restic" stash-hook run -f batch.yaml -- resti
complete_line "notes.txt" stash-hook run -- restic backup note
# Spec names from the search path complete after -f, beside files.
mkdir -p etc-specs user-specs
touch etc-specs/nightly-db.yaml user-specs/nightly-files.yaml user-specs/readme.txt
STASH_HOOK_SPEC_PATH=$work/etc-specs:$work/user-specs complete_line "nightly-db nightly-files" stash-hook run -f nig
complete_line "generate" stash-hook gen
complete_line "render" stash-hook ren
complete_line "Failed Skipped Succeeded" stash-hook render --phase ""
complete_line "postBackup postRestore" stash-hook render --stage po
complete_line "--error --exit-code" stash-hook render --e
complete_line "" stash-hook render --output ""
complete_line "database" stash-hook render -f batch.yaml --member da
complete_line "restic" stash-hook render -f batch.yaml -- resti
complete_line "cron" stash-hook generate cr
complete_line "--install" stash-hook generate systemd --ins

# Every long option a subcommand's --help lists is offered after `stash-hook CMD --`, by
# bash and by fish, and named in the zsh script: the scripts cannot fall behind the program.
for cmd in run validate plan render hook serve generate; do
    COMP_WORDS=(stash-hook "$cmd" --); COMP_CWORD=2; COMPREPLY=(); _stash_hook || true
    bash_offers=" ${COMPREPLY[*]} "
    fish_offers=" $(fish -c "source $dir/stash-hook.fish; complete -C 'stash-hook $cmd --'" | cut -f1 | tr '\n' ' ') "
    for opt in $(stash-hook "$cmd" --help | grep -oE '^ +(-[a-zA-Z],)?--[a-z-]+' | sed 's/.*--/--/'); do
        [ "$opt" = --help ] && continue
        [[ $bash_offers == *" $opt "* ]] || { echo "bash does not offer $cmd $opt"; fail=1; }
        [[ $fish_offers == *" $opt "* ]] || { echo "fish does not offer $cmd $opt"; fail=1; }
        grep -q -- "'$opt\[\|{[^}]*$opt}" "$dir/_stash-hook" || { echo "zsh does not name $opt"; fail=1; }
    done
done
zsh -n "$dir/_stash-hook" || { echo "zsh -n failed"; fail=1; }
fish -n "$dir/stash-hook.fish" || { echo "fish -n failed"; fail=1; }
# fish can also answer a completion query.
if ! fish -c "source $dir/stash-hook.fish; complete -C 'stash-hook run --kind '" | grep -q '^restore'; then
    echo "fish did not complete --kind"; fail=1
fi
fish_complete() {  # fish_complete EXPECTED LINE: the candidates fish offers, sorted
    local got
    got=$(fish -c "source $dir/stash-hook.fish; complete -C '$2'" | cut -f1 | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$1" ] || { echo "fish completing '$2': expected '$1', got '$got'"; fail=1; }
}
fish_complete "postBackup postRestore" "stash-hook hook po"
fish_complete "" "stash-hook hook postBackup po"
fish_complete "restic" "stash-hook run -- resti"
STASH_HOOK_SPEC_PATH=$work/etc-specs:$work/user-specs fish_complete "nightly-db nightly-files" "stash-hook run -f nig"
fish_complete "systemd" "stash-hook generate sy"
fish_complete "render" "stash-hook ren"
fish_complete "Failed Skipped Succeeded" "stash-hook render --phase "
fish_complete "restic" "stash-hook render -- resti"
zsh -c "autoload -Uz compinit && compinit -u -d $work/zcompdump; source $dir/_stash-hook" 2>/dev/null ||
    { echo "zsh could not load the completion"; fail=1; }
[ "$fail" = 0 ] && echo "completions: ok"
exit "$fail"
