#include "template/functions.hpp"

#include <map>

namespace stash_hook::tmpl {

namespace {

const std::map<std::string_view, const Function*, std::less<>>& table() {
    static const auto built = [] {
        std::map<std::string_view, const Function*, std::less<>> map;
        for (auto family : {builtin_functions(), string_functions(), default_functions(), dict_functions(),
                            encoding_functions(), os_functions()})
            for (const Function& f : family) map.emplace(f.name, &f);
        return map;
    }();
    return built;
}

}  // namespace

void Call::fail(const std::string& message) const {
    throw Failure{pos, "error calling " + std::string(name) + ": " + message};
}

std::string Call::string_arg(size_t i) const {
    const Value& v = args.at(i);
    return v.is_string() ? v.get<std::string>() : print_value(v);
}

const Function* find_function(std::string_view name) {
    auto it = table().find(name);
    return it == table().end() ? nullptr : it->second;
}

const std::vector<std::string_view>& function_names() {
    static const auto names = [] {
        std::vector<std::string_view> out;
        for (const auto& [name, f] : table()) out.push_back(name);
        return out;
    }();
    return names;
}

}  // namespace stash_hook::tmpl
