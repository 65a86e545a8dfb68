#pragma once
// The task's process: one command, or a pipeline's stages (man page, SPEC: pipeline), as one
// end the session judges like a single process's.

#include <string>
#include <vector>

#include "process/subprocess.hpp"
#include "session/session_result.hpp"

namespace stash_hook {

/// Runs `pipeline` when it is not empty, else `request.argv`. A pipeline fails when any stage
/// fails (pipefail): its end is the last failed stage's exit code or signal, with the whole
/// pipeline's timeout and interruption; each stage's end goes into `stages`. `output` is
/// run_process's (capture); a pipeline captures nothing (the spec's check refuses both).
expected<ProcessResult, SpawnError> run_task_process(
    const SpawnRequest& request, const std::vector<std::vector<std::string>>& pipeline,
    std::vector<TaskResult::StageEnd>& stages, CapturedOutput* output = nullptr);

/// A pipeline as one argv for display and .Task.Command: the stages joined by "|".
std::vector<std::string> pipeline_command(const std::vector<std::vector<std::string>>& pipeline);

/// A pipeline as a shell would show it: each stage quoted, joined by " | ".
std::string pipeline_line(const std::vector<std::vector<std::string>>& pipeline);

}  // namespace stash_hook
