#include "template/ast.hpp"
#include "template/functions.hpp"
#include "template/go_struct.hpp"
#include "template/go_time.hpp"
#include "util/edit_distance.hpp"

namespace stash_hook::tmpl {

namespace {

// ---------------------------------------------------------------------------
// Execution
// ---------------------------------------------------------------------------

/// About how many bytes `v` takes printed, counted only up to a little past
/// kMaxBytes; throws past kMaxDepth levels (dict can nest data in a loop).
size_t value_size(const Value& v, size_t pos, int depth = 0) {
    if (depth > kMaxDepth) throw Failure{pos, kTooDeep};
    if (v.is_string()) return v.get_ref<const std::string&>().size();
    if (!v.is_structured()) return 8;
    size_t total = 2;
    for (auto it = v.begin(); it != v.end() && total <= kMaxBytes; ++it)
        total += 2 + (v.is_object() ? it.key().size() : 0) + value_size(it.value(), pos, depth + 1);
    return total;
}

/// {{break}} and {{continue}}: thrown from the body, caught by the innermost range.
struct LoopControl {
    bool is_break;
};

class Executor {
  public:
    Executor(const Value& root, const List& main, const Templates& templates,
             const RenderLimits& limits)
        : main_(main), templates_(templates), limits_(limits) {
        vars_.emplace_back("$", root);
    }

    void run(const List& list, const Value& dot, std::string& out) {
        for (const Node& node : list) {
            step(node.pos);
            switch (node.kind) {
                case Node::Text:
                    out += node.text;
                    break;
                case Node::Break:
                    throw LoopControl{true};
                case Node::Continue:
                    throw LoopControl{false};
                case Node::Template:
                    run_template(node, dot, out);
                    break;
                case Node::Action: {
                    Value v = eval_pipeline(*node.pipe, dot);
                    if (node.pipe->decl.empty()) out += print_value(v);
                    break;
                }
                case Node::If:
                case Node::With: {
                    const size_t mark = vars_.size();
                    Value v = eval_pipeline(*node.pipe, dot);
                    if (truthy(v)) {
                        run(*node.body, node.kind == Node::With ? v : dot, out);
                    } else if (node.otherwise) {
                        run(*node.otherwise, dot, out);
                    }
                    vars_.resize(mark);
                    break;
                }
                case Node::Range: {
                    const size_t mark = vars_.size();
                    // Evaluate without declaring: range declares per element.
                    Pipeline bare = *node.pipe;
                    bare.decl.clear();
                    Value v = eval_pipeline(bare, dot);
                    if ((!v.is_array() && !v.is_object() && !v.is_null() &&
                         !v.is_number_integer()) ||
                        go_struct(v))
                        throw Failure{node.pos, "range can't iterate over " + print_value(v)};
                    bool any = false;
                    // Runs the body for one element; false after {{break}}.
                    auto iterate = [&](const Value& key, const Value& elem) {
                        step(node.pos);
                        any = true;
                        const size_t inner = vars_.size();
                        if (node.pipe->decl.size() == 1)
                            vars_.emplace_back(node.pipe->decl[0], elem);
                        if (node.pipe->decl.size() == 2) {
                            vars_.emplace_back(node.pipe->decl[0], key);
                            vars_.emplace_back(node.pipe->decl[1], elem);
                        }
                        bool more = true;
                        try {
                            run(*node.body, elem, out);
                        } catch (const LoopControl& control) {
                            more = !control.is_break;
                        }
                        vars_.resize(inner);
                        return more;
                    };
                    if (v.is_array()) {
                        for (size_t i = 0; i < v.size(); ++i)
                            if (!iterate(Value(static_cast<int64_t>(i)), v[i])) break;
                    } else if (v.is_object()) {
                        for (auto it = v.begin(); it != v.end(); ++it)
                            if (!iterate(Value(it.key()), it.value())) break;
                    } else if (v.is_number_integer()) {
                        for (int64_t i = 0; i < v.get<int64_t>(); ++i)
                            if (!iterate(Value(i), Value(i))) break;
                    }
                    if (!any && node.otherwise) run(*node.otherwise, dot, out);
                    vars_.resize(mark);
                    break;
                }
            }
            if (out.size() > kMaxBytes)
                throw Failure{node.pos, "template output exceeds " +
                                            std::to_string(kMaxBytes >> 20) + " MiB"};
        }
    }

  private:
    const List& main_;
    const Templates& templates_;
    const RenderLimits& limits_;
    int depth_ = 0;  // {{template}} calls open

    /// {{template "name" pipeline}}: the named template with the pipeline's value as
    /// its dot and $, and none of the caller's variables (Go's semantics). The name ""
    /// is the main template itself, as in Go. Recursion stops at kMaxDepth calls.
    void run_template(const Node& node, const Value& dot, std::string& out) {
        const Value data = node.pipe ? eval_pipeline(*node.pipe, dot) : Value();
        const auto it = templates_.find(node.text);
        if (it == templates_.end() && !node.text.empty())
            throw Failure{node.pos, "template \"" + node.text + "\" not defined"};
        const Nesting nesting(depth_, node.pos);
        std::vector<std::pair<std::string, Value>> caller;
        caller.swap(vars_);
        vars_.emplace_back("$", data);
        try {
            run(it == templates_.end() ? main_ : *it->second, data, out);
        } catch (...) {
            vars_.swap(caller);
            throw;
        }
        vars_.swap(caller);
    }
    std::vector<std::pair<std::string, Value>> vars_;
    long steps_ = 0;
    long next_check_ = 0;

    /// Counts `cost` steps of work; every few hundred, looks at the deadline and for
    /// a signal, so that no template runs longer than its hook may.
    void step(size_t pos, long cost = 1) {
        steps_ += cost;
        if (steps_ > kMaxSteps)
            throw Failure{pos, "template takes more than " + std::to_string(kMaxSteps) + " steps"};
        if (steps_ < next_check_) return;
        next_check_ = steps_ + 256;
        if (limits_.interrupted && limits_.interrupted())
            throw Failure{pos, "rendering stopped by a signal"};
        if (limits_.deadline && std::chrono::steady_clock::now() >= *limits_.deadline)
            throw Failure{pos, "rendering ran past its deadline"};
    }

    Value& variable(const std::string& name, size_t pos) {
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
            if (it->first == name) return it->second;
        throw Failure{pos, "undefined variable: " + name};
    }

    Value eval_pipeline(const Pipeline& pipe, const Value& dot) {
        Value value;
        bool have = false;
        for (const Command& cmd : pipe.commands) {
            value = eval_command(cmd, dot, have ? &value : nullptr);
            have = true;
        }
        if (!pipe.decl.empty()) {
            if (pipe.assign) {
                variable(pipe.decl[0], pipe.pos) = value;
            } else {
                vars_.emplace_back(pipe.decl.back(), value);
            }
        }
        return value;
    }

    Value follow(Value v, const std::vector<std::string>& chain, size_t pos) {
        for (const auto& field : chain) {
            if (v.is_object()) {
                auto it = v.find(field);
                if (it == v.end()) {
                    // A map's missing key is the zero value (<no value>), as with Go's
                    // missingkey=default; a struct's missing field is an error.
                    if (const GoStruct* s = go_struct(v))
                        throw Failure{pos, "can't evaluate field " + field + " in type " +
                                               std::string(s->type)};
                    v = Value();
                    continue;
                }
                Value next = *it;
                v = std::move(next);
            } else if (auto result = method_of(v, field)) {  // a time's or a version's
                v = std::move(*result);
            } else if (v.is_null()) {
                throw Failure{pos, "nil pointer evaluating ." + field};
            } else {
                throw Failure{pos, "can't evaluate field " + field + " in type " + type_name(v)};
            }
        }
        return v;
    }

    Value eval_term(const Term& t, const Value& dot) {
        switch (t.kind) {
            case Term::Dot:
                return dot;
            case Term::Field:
                return follow(dot, t.chain, t.pos);
            case Term::Variable:
                return follow(variable(t.name, t.pos), t.chain, t.pos);
            case Term::String:
                return t.name;
            case Term::Number:
            case Term::Bool:
                return t.literal;
            case Term::Nil:
                return nullptr;
            case Term::Sub:
                return follow(eval_pipeline(*t.sub, dot), t.chain, t.pos);
            case Term::Function:
                return call(t, {}, dot, nullptr);
        }
        return nullptr;
    }

    Value eval_command(const Command& cmd, const Value& dot, const Value* piped) {
        const Term& head = cmd.args[0];
        if (head.kind == Term::Function) {
            std::vector<const Term*> rest;
            for (size_t i = 1; i < cmd.args.size(); ++i) rest.push_back(&cmd.args[i]);
            return call(head, rest, dot, piped);
        }
        if (piped) throw Failure{head.pos, "can't give argument to non-function"};
        if (head.kind == Term::Nil) throw Failure{head.pos, "nil is not a command"};
        return eval_term(head, dot);
    }

    /// A function's result, which is bounded in size and depth, and costs a step per
    /// 4 KiB it holds (so that copying large values around is not free).
    Value call(const Term& fn, const std::vector<const Term*>& arg_terms, const Value& dot,
               const Value* piped) {
        Value result = call_function(fn, arg_terms, dot, piped);
        const size_t size = value_size(result, fn.pos);
        if (size > kMaxBytes) throw Failure{fn.pos, kTooBig};
        step(fn.pos, 1 + static_cast<long>(size / 4096));
        return result;
    }

    Value call_function(const Term& fn, const std::vector<const Term*>& arg_terms, const Value& dot,
                        const Value* piped) {
        const Function* function = find_function(fn.name);
        if (!function) throw Failure{fn.pos, "function \"" + fn.name + "\" not defined"};
        Call c;
        c.name = function->name;
        c.pos = fn.pos;
        c.count = arg_terms.size() + (piped ? 1 : 0);
        c.limits = &limits_;
        const auto count = static_cast<int>(c.count);
        if (function->max_args == kVariadic
                ? count < function->min_args
                : count < function->min_args || count > function->max_args) {
            const bool exact = function->max_args == function->min_args;
            throw Failure{fn.pos,
                          "wrong number of args for " + fn.name + ": want " +
                              (exact ? "" : "at least ") +
                              std::to_string(count < function->min_args ? function->min_args
                                                                        : function->max_args) +
                              " got " + std::to_string(count)};
        }
        if (function->lazy) {
            c.arg = [&](size_t i) {
                return i < arg_terms.size() ? eval_term(*arg_terms[i], dot) : *piped;
            };
        } else {
            c.args.reserve(c.count);
            for (const Term* t : arg_terms) c.args.push_back(eval_term(*t, dot));
            if (piped) c.args.push_back(*piped);
        }
        return function->impl(c);
    }
};

// ---------------------------------------------------------------------------
// Static field check
// ---------------------------------------------------------------------------

void check_chain(const Value& schema, const std::vector<std::string>& chain,
                 const std::string& prefix, size_t pos) {
    const Value* v = &schema;
    std::string path = prefix;
    for (const auto& field : chain) {
        if (!v->is_object()) return;  // beyond what the schema describes
        auto it = v->find(field);
        if (it == v->end()) {
            std::vector<std::string_view> names;
            for (auto k = v->begin(); k != v->end(); ++k) names.push_back(k.key());
            std::string msg = "unknown field " + path + "." + field;
            if (auto guess = closest_match(field, names))
                msg += "; did you mean " + path + "." + *guess + "?";
            else {
                msg += " (known:";
                for (auto n : names) msg += " " + std::string(n);
                msg += ")";
            }
            throw Failure{pos, msg};
        }
        path += "." + field;
        v = &*it;
    }
}

using FieldVisitor = std::function<void(const std::vector<std::string>& chain,
                                        const std::string& prefix, size_t pos)>;

void visit_pipeline(const Pipeline& pipe, bool dot_is_root, const FieldVisitor& visit);

void visit_term(const Term& t, bool dot_is_root, const FieldVisitor& visit) {
    if (t.kind == Term::Field && dot_is_root) visit(t.chain, "", t.pos);
    if (t.kind == Term::Variable && t.name == "$") visit(t.chain, "$", t.pos);
    if (t.kind == Term::Sub) visit_pipeline(*t.sub, dot_is_root, visit);
}

void visit_pipeline(const Pipeline& pipe, bool dot_is_root, const FieldVisitor& visit) {
    for (const auto& cmd : pipe.commands)
        for (const auto& t : cmd.args) visit_term(t, dot_is_root, visit);
}

}  // namespace

void visit_root_fields(const List& list, bool dot_is_root, const FieldVisitor& visit) {
    for (const Node& node : list) {
        if (node.pipe) visit_pipeline(*node.pipe, dot_is_root, visit);
        const bool inner_root = dot_is_root && node.kind == Node::If;
        if (node.body) visit_root_fields(*node.body, inner_root, visit);
        if (node.otherwise) visit_root_fields(*node.otherwise, dot_is_root, visit);
    }
}

void check_list(const List& list, const Value& schema, bool dot_is_root) {
    visit_root_fields(list, dot_is_root,
                      [&](const std::vector<std::string>& chain, const std::string& prefix,
                          size_t pos) { check_chain(schema, chain, prefix, pos); });
}

void execute(const List& list, const Templates& templates, const Value& data,
             const RenderLimits& limits, std::string& out) {
    Executor(data, list, templates, limits).run(list, data, out);
}

}  // namespace stash_hook::tmpl
