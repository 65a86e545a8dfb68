#pragma once
// Fields a log line carries besides its text (session, stage, hook, ...), for
// `--log-format json` (app/logging.cpp). lib/ sets them for what the current thread
// is doing; the sink reads them. Plain data, one set per thread.

#include <optional>
#include <string>

namespace stash_hook::log_context {

struct Fields {
    std::string session;
    std::string member;
    std::string stage;  // "preBackup", ..., or "task"
    std::string hook;
    std::string action;  // "exec", "httpGet", ...
    int attempt = 0;     // 0: not known
    std::string phase;   // "Succeeded", "Failed", ... once known
    std::optional<double> duration_seconds;
    std::optional<int> exit_code;
};

/// This thread's fields.
Fields& current();

/// Sets fields for a scope and puts the previous ones back when it ends.
class Scope {
  public:
    explicit Scope(Fields fields) : saved_(current()) { current() = std::move(fields); }
    ~Scope() { current() = std::move(saved_); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

  private:
    Fields saved_;
};

}  // namespace stash_hook::log_context
