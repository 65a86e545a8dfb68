#include "template/template.hpp"

#include "template/ast.hpp"

namespace stash_hook::tmpl {

std::string TemplateError::str() const {
    return "template:" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

// ---------------------------------------------------------------------------
// Public interface
// ---------------------------------------------------------------------------

Template::Template(std::unique_ptr<Ast> ast) : ast_(std::move(ast)) {}
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

expected<Template, TemplateError> Template::parse(std::string_view text) {
    if (text.size() > kMaxTemplateBytes)
        return unexpected(TemplateError{1, 1,
                                        "the template is " + std::to_string(text.size()) +
                                            " bytes; at most " + std::to_string(kMaxTemplateBytes) +
                                            " are allowed"});
    auto ast = std::make_unique<Ast>();
    ast->text = std::string(text);
    try {
        ast->root = parse_list(ast->text, ast->templates);
    } catch (const Failure& f) {
        auto [line, column] = line_column(text, f.pos);
        return unexpected(TemplateError{line, column, f.message});
    } catch (const std::exception& e) {  // e.g. std::stoi on a malformed escape
        return unexpected(TemplateError{1, 1, std::string("malformed template: ") + e.what()});
    }
    return Template(std::move(ast));
}

expected<void, TemplateError> Template::check_fields(const Value& schema) const {
    try {
        check_list(ast_->root, schema, true);
    } catch (const Failure& f) {
        auto [line, column] = line_column(ast_->text, f.pos);
        return unexpected(TemplateError{line, column, f.message});
    }
    return {};
}

std::vector<TemplateError> Template::uses_of(std::string_view path) const {
    std::vector<TemplateError> uses;
    visit_root_fields(ast_->root, true,
                      [&](const std::vector<std::string>& chain, const std::string&, size_t pos) {
                          std::string named;
                          for (const auto& field : chain) {
                              named += "." + field;
                              if (named == path) {
                                  auto [line, column] = line_column(ast_->text, pos);
                                  uses.push_back({line, column, named});
                              }
                          }
                      });
    return uses;
}

expected<std::string, TemplateError> Template::render(const Value& data,
                                                      const RenderLimits& limits) const {
    std::string out;
    try {
        execute(ast_->root, ast_->templates, data, limits, out);
    } catch (const Failure& f) {
        auto [line, column] = line_column(ast_->text, f.pos);
        return unexpected(TemplateError{line, column, f.message});
    } catch (const std::exception& e) {
        return unexpected(TemplateError{1, 1, e.what()});
    }
    return out;
}

bool is_template(std::string_view text) { return text.find("{{") != std::string_view::npos; }

expected<std::string, TemplateError> render_string(std::string_view text, const Value& data,
                                                   const RenderLimits& limits) {
    auto t = Template::parse(text);
    if (!t) return unexpected(t.error());
    auto out = t->render(data, limits);
    if (!out) return out;
    const size_t b = out->find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return std::string();
    return out->substr(b, out->find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace stash_hook::tmpl
