#include "template/go_struct.hpp"

#include "template/ast.hpp"

namespace stash_hook::tmpl {

namespace {

// stash-hook's template data (lib/spec/hook_template.cpp builds it): Stash's fields
// first, in Stash's order and with its json tags, then stash-hook's own.
const std::vector<GoStruct>& structs() {
    static const std::vector<GoStruct> all = {
        {"v1beta1.Summary",
         {{"Name", "name"},
          {"Namespace", "namespace"},
          {"Invoker", "invoker"},
          {"Target", "target"},
          {"Status", "status"},
          {"RetryLeft", "retryLeft"},
          {"Stage", "stage"},
          {"Member", "member"},
          {"Hostname", "hostname"},
          {"StartTime", "startTime"},
          {"Task", "task"},
          {"RunId", "runId"},
          {"Warnings", "warnings"}}},
        // Kubernetes' TypedLocalObjectReference: no omitempty.
        {"v1.TypedLocalObjectReference",
         {{"APIGroup", "apiGroup", false},
          {"Kind", "kind", false},
          {"Name", "name", false},
          {"ApiGroup", "", false, true}}},
        {"v1beta1.TargetRef",
         {{"APIVersion", "apiVersion"},
          {"Kind", "kind"},
          {"Name", "name"},
          {"Namespace", "namespace"},
          {"ApiVersion", "", false, true}}},
        {"v1beta1.TargetStatus",
         {{"Phase", "phase"},
          {"Duration", "duration"},
          {"Error", "error"},
          {"ExitCode", "exitCode", true, false, true}}},
        {"v1beta1.Task",
         {{"Command", "command"},
          {"Ran", "ran"},
          {"ExitCode", "exitCode"},
          {"Output", "output"},
          {"Stdout", "stdout"},
          {"Stderr", "stderr"},
          {"Stages", "stages"}}},
        // A pipeline's stage (.Task.Stages): stash-hook's own.
        {"v1beta1.TaskStage",
         {{"Command", "command"},
          {"ExitCode", "exitCode", false, false, true},
          {"Signal", "signal"}}},
    };
    return all;
}

const Value& field_of(const Value& v, std::string_view name) { return v.at(std::string(name)); }

/// encoding/json's "empty value" for omitempty.
bool json_empty(const Value& v) {
    if (v.is_null()) return true;
    if (v.is_boolean()) return !v.get<bool>();
    if (v.is_number()) return v == 0;
    if (v.is_string()) return v.get_ref<const std::string&>().empty();
    if (v.is_array()) return v.empty();
    if (v.is_object()) return !go_struct(v) && v.empty();
    return false;
}

}  // namespace

const GoStruct* go_struct(const Value& v) {
    if (!v.is_object()) return nullptr;
    for (const GoStruct& s : structs()) {
        if (s.fields.size() != v.size()) continue;
        bool all = true;
        for (const GoField& f : s.fields)
            if (!v.contains(std::string(f.name))) {
                all = false;
                break;
            }
        if (all) return &s;
    }
    return nullptr;
}

std::string print_struct(const GoStruct& s, const Value& v) {
    std::string out = "{";
    bool first = true;
    for (const GoField& f : s.fields) {
        if (f.alias) continue;
        if (!first) out += ' ';
        first = false;
        out += sprint_value(field_of(v, f.name));
    }
    return out + "}";
}

void write_struct_json(std::string& out, const GoStruct& s, const Value& v) {
    out += '{';
    bool first = true;
    for (const GoField& f : s.fields) {
        const Value& field = field_of(v, f.name);
        if (f.alias || (f.omitempty && (f.nilable ? field.is_null() : json_empty(field)))) continue;
        if (!first) out += ',';
        first = false;
        out += '"';
        out += f.json;
        out += "\":";
        write_go_json(out, field);
    }
    out += '}';
}

}  // namespace stash_hook::tmpl
