# fish completion for stash-hook

function __stash_hook_members
    set -l spec (commandline -opc | string match -r -- '(?<=^--spec=).*')
    set -l tokens (commandline -opc)
    for i in (seq (count $tokens))
        if contains -- $tokens[$i] -f --spec
            set spec $tokens[(math $i + 1)]
        end
    end
    test -z "$spec"; and set spec (set -q STASH_HOOK_SPEC; and echo $STASH_HOOK_SPEC; or echo stash-hook.yaml)
    test -r "$spec"; or return
    stash-hook plan -f $spec 2>/dev/null | string replace -rf '^   member (.*):$' '$1'
end

set -l commands run validate plan hook serve version
complete -c stash-hook -f
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a run -d 'Run one session'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a validate -d 'Check a spec'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a plan -d 'Print what would run'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a hook -d 'Run one stage alone'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a serve -d 'Run sessions on a schedule or on demand'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a version -d 'Print the version'
complete -c stash-hook -l version -d 'Print the version'
complete -c stash-hook -s v -l verbose -d 'Log more, with timestamps'
complete -c stash-hook -s q -l quiet -d 'Log only warnings and errors'
complete -c stash-hook -l log-format -x -a 'text json' -d 'Log format'
complete -c stash-hook -l log-level -x -a 'error warn info debug' -d 'Log level'
complete -c stash-hook -s h -l help -d 'Show help'
complete -c stash-hook -n "__fish_seen_subcommand_from run validate plan hook serve" -s f -l spec -r -F -d 'Spec file'
complete -c stash-hook -n "__fish_seen_subcommand_from serve" -l listen -x -d 'HOST:PORT to answer HTTP on'
complete -c stash-hook -n "__fish_seen_subcommand_from serve" -l token -x -d 'Bearer token'
complete -c stash-hook -n "__fish_seen_subcommand_from serve" -l port-file -r -F -d 'Write the port here'
complete -c stash-hook -n "__fish_seen_subcommand_from run plan" -l kind -x -a 'backup restore' -d 'Backup or restore'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l status-file -r -F -d 'Status file'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l metrics-file -r -F -d 'Metrics file'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l timeout -x -d 'Task timeout (Go duration)'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l lock -r -F -d 'Lock file'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l lock-wait -x -d 'Wait for the lock'
complete -c stash-hook -n "__fish_seen_subcommand_from run hook" -l member -x -a '(__stash_hook_members)' -d 'Batch member'
complete -c stash-hook -n "__fish_seen_subcommand_from run hook" -l container-runtime -x -a 'docker podman kubectl' -d 'Container runtime'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l dry-run -d 'Print the plan only'
complete -c stash-hook -n "__fish_seen_subcommand_from hook" -l phase -x -a 'Succeeded Failed' -d 'Phase for post hooks'
complete -c stash-hook -n "__fish_seen_subcommand_from hook" -a 'preBackup postBackup preRestore postRestore' -d 'Stage'
