#include "session/pipeline_task.hpp"

namespace stash_hook {

expected<ProcessResult, SpawnError> run_task_process(
    const SpawnRequest& request, const std::vector<std::vector<std::string>>& pipeline,
    std::vector<TaskResult::StageEnd>& stages, CapturedOutput* output) {
    if (pipeline.empty()) return run_process(request, output);
    auto ran = run_pipeline(pipeline, request);
    if (!ran) return unexpected(ran.error());
    ProcessResult end;
    end.exit_code = 0;
    end.timed_out = ran->timed_out;
    end.interrupted_by = ran->interrupted_by;
    end.duration = ran->duration;
    for (size_t i = 0; i < ran->stages.size(); ++i) {
        const ProcessResult& stage = ran->stages[i];
        stages.push_back({pipeline[i], stage.exit_code, stage.signal});
        if (stage.signal || stage.exit_code.value_or(0) != 0) {  // the last failure decides
            end.exit_code = stage.exit_code;
            end.signal = stage.signal;
        }
    }
    return end;
}

std::vector<std::string> pipeline_command(const std::vector<std::vector<std::string>>& pipeline) {
    std::vector<std::string> argv;
    for (const auto& stage : pipeline) {
        if (!argv.empty()) argv.emplace_back("|");
        argv.insert(argv.end(), stage.begin(), stage.end());
    }
    return argv;
}

std::string pipeline_line(const std::vector<std::vector<std::string>>& pipeline) {
    std::string line;
    for (const auto& stage : pipeline) line += (line.empty() ? "" : " | ") + command_line(stage);
    return line;
}

}  // namespace stash_hook
