// The man page's TEMPLATES section lists every template function and data field, read from
// the library's own tables, so the list cannot drift from the code.

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "spec/hook_template.hpp"
#include "template/functions.hpp"
#include "template/go_struct.hpp"

using namespace stash_hook;

namespace {

std::string man_page() {
    std::ifstream in(std::string(STASH_HOOK_SOURCE_DIR) + "/man/stash-hook.1");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The part of the page from ".SH TEMPLATES" to the next section.
std::string templates_section(const std::string& page) {
    const size_t start = page.find("\n.SH TEMPLATES");
    const size_t end = page.find("\n.SH ", start + 1);
    return start == std::string::npos ? "" : page.substr(start, end - start);
}

/// `word` appears on its own: not as a piece of a longer name.
bool names(const std::string& text, const std::string& word) {
    const std::regex whole("(^|[^A-Za-z0-9_])" + word + "($|[^A-Za-z0-9_])");
    return std::regex_search(text, whole);
}

/// Every path of a field of `v` and of the structs in it: ".Status.Phase", ".Task.Stages"...
void field_paths(const tmpl::Value& v, const std::string& prefix, std::vector<std::string>& out) {
    if (!v.is_object()) return;
    const tmpl::GoStruct* s = tmpl::go_struct(v);
    for (const auto& [key, child] : v.items()) {
        // An old spelling (.Target.ApiVersion) is documented as such, not listed.
        const bool alias = s && std::any_of(s->fields.begin(), s->fields.end(), [&](const auto& f) {
                               return f.name == key && f.alias;
                           });
        if (alias) continue;
        out.push_back(prefix + "." + key);
        field_paths(child, prefix + "." + key, out);
    }
}

}  // namespace

TEST_CASE("the man page's TEMPLATES section names every function of the table") {
    const std::string section = templates_section(man_page());
    REQUIRE_FALSE(section.empty());
    REQUIRE(tmpl::function_names().size() > 100);
    for (std::string_view name : tmpl::function_names()) {
        CAPTURE(name);
        CHECK(names(section, std::string(name)));
    }
}

TEST_CASE("the man page's TEMPLATES section names every data field by its full path") {
    const std::string section = templates_section(man_page());
    std::vector<std::string> paths;
    field_paths(template_schema(), "", paths);
    REQUIRE(paths.size() > 20);
    for (const auto& path : paths) {
        CAPTURE(path);
        // Roff writes a field as it is; the man page names each one in full.
        CHECK(names(section, std::regex_replace(path, std::regex(R"(\.)"), R"(\.)")));
    }
}
