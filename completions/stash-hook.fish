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

function __stash_hook_spec_names
    # Specs found by name (-f NAME): man page, FILES.
    set -l dirs /etc/stash-hook (set -q XDG_CONFIG_HOME; and echo $XDG_CONFIG_HOME; or echo ~/.config)/stash-hook
    set -q STASH_HOOK_SPEC_PATH; and set dirs (string split : -- $STASH_HOOK_SPEC_PATH)
    for f in $dirs/*.yaml
        test -f $f; and string replace -r '\.yaml$' '' -- (basename $f)
    end
end

function __stash_hook_after_dashdash
    # The wrapped command after `run ... --`, completed as a command with its own completions.
    set -l tokens (commandline -opc)
    set -l i (contains -i -- -- $tokens); or return 1
    set -l rest $tokens[(math $i + 1)..-1] (commandline -ct)
    complete -C (string join ' ' -- (string escape -- $rest))
end

set -l commands run validate plan render hook serve list generate version
set -l stages preBackup postBackup preRestore postRestore
complete -c stash-hook -f
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a run -d 'Run one session'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a validate -d 'Check a spec'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a plan -d 'Print what would run'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a render -d 'Print what the templates render to'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a hook -d 'Run one stage alone'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a serve -d 'Run sessions on a schedule or on demand'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a list -d 'List the specs found by name'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a generate -d 'Print or install a timer for the schedule'
complete -c stash-hook -n "not __fish_seen_subcommand_from $commands" -a version -d 'Print the version'
complete -c stash-hook -l version -d 'Print the version'
complete -c stash-hook -s v -l verbose -d 'Log more, with timestamps'
complete -c stash-hook -s q -l quiet -d 'Log only warnings and errors'
complete -c stash-hook -l log-format -x -a 'text json' -d 'Log format'
complete -c stash-hook -l log-level -x -a 'error warn info debug' -d 'Log level'
complete -c stash-hook -s h -l help -d 'Show help'
complete -c stash-hook -n "__fish_seen_subcommand_from run validate plan render hook serve generate" -s f -l spec -r -F -a '(__stash_hook_spec_names)' -d 'Spec file or name'
complete -c stash-hook -n "__fish_seen_subcommand_from run render; and contains -- -- (commandline -opc)" -a '(__stash_hook_after_dashdash)'
complete -c stash-hook -n "__fish_seen_subcommand_from generate; and not __fish_seen_subcommand_from systemd cron kubernetes" -a 'systemd cron kubernetes' -d 'Scheduler'
complete -c stash-hook -n "__fish_seen_subcommand_from generate" -l user -d 'User units or crontab'
complete -c stash-hook -n "__fish_seen_subcommand_from generate" -l install -d 'Write the units'
complete -c stash-hook -n "__fish_seen_subcommand_from generate" -l unit-dir -x -a '(__fish_complete_directories)' -d 'Install here'
complete -c stash-hook -n "__fish_seen_subcommand_from generate" -l binary -r -F -d 'The stash-hook the units run'
complete -c stash-hook -n "__fish_seen_subcommand_from generate" -l image -x -d 'The CronJob image'
complete -c stash-hook -n "__fish_seen_subcommand_from serve" -l listen -x -d 'HOST:PORT to answer HTTP on'
complete -c stash-hook -n "__fish_seen_subcommand_from serve" -l token -x -d 'Bearer token'
complete -c stash-hook -n "__fish_seen_subcommand_from serve" -l port-file -r -F -d 'Write the port here'
complete -c stash-hook -n "__fish_seen_subcommand_from run plan render" -l kind -x -a 'backup restore' -d 'Backup or restore'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l status-file -r -F -d 'Status file'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l metrics-file -r -F -d 'Metrics file'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l timeout -x -d 'Task timeout (Go duration)'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l lock -r -F -d 'Lock file'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l lock-wait -x -d 'Wait for the lock'
complete -c stash-hook -n "__fish_seen_subcommand_from run hook render" -l member -x -a '(__stash_hook_members)' -d 'Batch member'
complete -c stash-hook -n "__fish_seen_subcommand_from run hook render plan validate serve" -l container-runtime -x -a 'docker podman kubectl' -d 'Container runtime'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l capture -d 'Keep a tail of the task stderr'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l quiet-unless-failed -d 'Print the task output only on failure'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l dry-run -d 'Print the plan only'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l output -r -F -d 'Task stdout, replaced on success'
complete -c stash-hook -n "__fish_seen_subcommand_from run" -l strict-warnings -d 'A warning exit code fails'
complete -c stash-hook -n "__fish_seen_subcommand_from hook" -l phase -x -a 'Succeeded Failed' -d 'Phase for post hooks'
complete -c stash-hook -n "__fish_seen_subcommand_from hook; and not __fish_seen_subcommand_from $stages" -a "$stages" -d 'Stage'
complete -c stash-hook -n "__fish_seen_subcommand_from render" -l phase -x -a 'Succeeded Failed Skipped' -d 'Phase post hooks see'
complete -c stash-hook -n "__fish_seen_subcommand_from render" -l stage -x -a "$stages" -d 'Only this stage'
complete -c stash-hook -n "__fish_seen_subcommand_from render" -l exit-code -x -d 'The task exit code'
complete -c stash-hook -n "__fish_seen_subcommand_from render" -l error -x -d 'The error post hooks see'
complete -c stash-hook -n "__fish_seen_subcommand_from render" -l output -x -d 'The task captured output'
complete -c stash-hook -n "__fish_seen_subcommand_from render" -l duration -x -d 'How long the session took'
complete -c stash-hook -n "__fish_seen_subcommand_from run hook render plan validate serve" -l pod -x -d 'kubectl: the pod'
complete -c stash-hook -n "__fish_seen_subcommand_from run hook render plan validate serve" -l namespace -x -d 'kubectl: the namespace'
complete -c stash-hook -n "__fish_seen_subcommand_from run hook render plan validate serve" -s l -l selector -x -d 'kubectl: labels picking the pod'
