# bash completion for stash-hook                          -*- shell-script -*-

_stash_hook_spec_from_words() {
    # The spec given with -f/--spec on the line so far, else $STASH_HOOK_SPEC, else ./stash-hook.yaml.
    local i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        case ${COMP_WORDS[i]} in
            -f | --spec) printf '%s\n' "${COMP_WORDS[i + 1]}"; return ;;
            --spec=*) printf '%s\n' "${COMP_WORDS[i]#--spec=}"; return ;;
        esac
    done
    printf '%s\n' "${STASH_HOOK_SPEC:-stash-hook.yaml}"
}

_stash_hook_spec_names() {
    # Specs found by name (-f NAME): NAME.yaml in $STASH_HOOK_SPEC_PATH, else /etc/stash-hook
    # and ${XDG_CONFIG_HOME:-~/.config}/stash-hook (man page, FILES).
    local dirs dir f
    if [[ -n ${STASH_HOOK_SPEC_PATH-} ]]; then
        IFS=: read -ra dirs <<<"$STASH_HOOK_SPEC_PATH"
    else
        dirs=(/etc/stash-hook "${XDG_CONFIG_HOME:-$HOME/.config}/stash-hook")
    fi
    for dir in "${dirs[@]}"; do
        for f in "$dir"/*.yaml; do
            [[ -f $f ]] && f=${f##*/} && printf '%s\n' "${f%.yaml}"
        done
    done
}

_stash_hook_members() {
    local spec
    spec=$(_stash_hook_spec_from_words)
    [[ -r $spec ]] || return
    "${COMP_WORDS[0]}" plan -f "$spec" 2>/dev/null | sed -n 's/^   member \(.*\):$/\1/p'
}

_stash_hook() {
    local cur prev words cword
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    local commands="run validate plan render hook serve list generate version"
    local global_opts="-h --help --version -v --verbose -q --quiet --log-format --log-level"

    local cmd="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            run | validate | plan | render | hook | serve | list | generate | version) cmd=${COMP_WORDS[i]}; break ;;
            --) ;;
        esac
    done

    # After "run ... --" (or "render ... --") the rest is the task's command line.
    if [[ $cmd == run || $cmd == render ]]; then
        for ((i = 1; i < COMP_CWORD; i++)); do
            if [[ ${COMP_WORDS[i]} == -- ]]; then
                if ((i + 1 == COMP_CWORD)); then
                    COMPREPLY=($(compgen -c -- "$cur" | LC_ALL=C sort -u))
                elif declare -F _command_offset >/dev/null; then
                    _command_offset $((i + 1))  # the command's own completion, as sudo and nice do
                else
                    COMPREPLY=($(compgen -f -- "$cur"))
                fi
                return
            fi
        done
    fi

    # render's --output, --error and --exit-code take text, not files.
    if [[ $cmd == render ]]; then
        case $prev in
            --output | --error | --exit-code) return ;;
            --phase) COMPREPLY=($(compgen -W "Succeeded Failed Skipped" -- "$cur")); return ;;
            --stage) COMPREPLY=($(compgen -W "preBackup postBackup preRestore postRestore" -- "$cur")); return ;;
            --duration) COMPREPLY=($(compgen -W "30s 5m 1h 2h" -- "$cur")); return ;;
        esac
    fi

    case $prev in
        -f | --spec)
            COMPREPLY=($(compgen -f -X '!*.yaml' -- "$cur") $(compgen -f -X '!*.yml' -- "$cur")
                       $(compgen -d -- "$cur"))
            [[ $cur == */* ]] || COMPREPLY+=($(compgen -W "$(_stash_hook_spec_names)" -- "$cur"))
            if [[ $cur == - ]]; then COMPREPLY+=(-); fi
            return 0 ;;
        --kind) COMPREPLY=($(compgen -W "backup restore" -- "$cur")); return ;;
        --log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
        --log-level) COMPREPLY=($(compgen -W "error warn info debug" -- "$cur")); return ;;
        --phase) COMPREPLY=($(compgen -W "Succeeded Failed" -- "$cur")); return ;;
        --container-runtime) COMPREPLY=($(compgen -W "docker podman kubectl" -- "$cur")); return ;;
        --member) COMPREPLY=($(compgen -W "$(_stash_hook_members)" -- "$cur")); return ;;
        --status-file | --metrics-file | --lock | --port-file | --binary | --output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --unit-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --image | --pod | --namespace | -l | --selector) return ;;
        --listen) COMPREPLY=($(compgen -W "127.0.0.1:9142" -- "$cur")); return ;;
        --token) return ;;
        --timeout | --lock-wait) COMPREPLY=($(compgen -W "30s 5m 1h 2h" -- "$cur")); return ;;
    esac

    local opts
    case $cmd in
        "") COMPREPLY=($(compgen -W "$commands $global_opts" -- "$cur")); return ;;
        run) opts="-f --spec --kind --status-file --metrics-file --timeout --lock --lock-wait --member
                   --container-runtime --pod --namespace --selector --capture --quiet-unless-failed --dry-run --output
                   --strict-warnings --" ;;
        validate) opts="-f --spec --container-runtime --pod --namespace --selector" ;;
        plan) opts="-f --spec --kind --container-runtime --pod --namespace --selector" ;;
        render) opts="-f --spec --phase --stage --exit-code --error --output --duration --kind --member
                      --container-runtime --pod --namespace --selector --" ;;
        hook)
            opts="-f --spec --phase --member --container-runtime --pod --namespace --selector"
            local given=""  # one STAGE: not offered again once given
            for ((i = 1; i < COMP_CWORD; i++)); do
                case ${COMP_WORDS[i]} in preBackup | postBackup | preRestore | postRestore) given=1 ;; esac
            done
            if [[ $cur != -* && -z $given ]]; then
                COMPREPLY=($(compgen -W "preBackup postBackup preRestore postRestore" -- "$cur"))
                return
            fi ;;
        serve) opts="-f --spec --listen --token --port-file --container-runtime --pod --namespace --selector" ;;
        list | version) opts="" ;;
        generate)
            opts="-f --spec --user --install --unit-dir --binary --image"
            local target=""
            for ((i = 1; i < COMP_CWORD; i++)); do
                case ${COMP_WORDS[i]} in systemd | cron | kubernetes) target=1 ;; esac
            done
            if [[ $cur != -* && -z $target ]]; then
                COMPREPLY=($(compgen -W "systemd cron kubernetes" -- "$cur"))
                return
            fi ;;
    esac
    COMPREPLY=($(compgen -W "$opts $global_opts" -- "$cur"))
}

complete -F _stash_hook stash-hook
