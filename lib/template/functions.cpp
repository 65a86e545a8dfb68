#include "template/functions.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <map>

namespace stash_hook::tmpl {

namespace {

const std::map<std::string_view, const Function*, std::less<>>& table() {
    static const auto built = [] {
        std::map<std::string_view, const Function*, std::less<>> map;
        for (auto family :
             {builtin_functions(), string_functions(), default_functions(), dict_functions(),
              encoding_functions(), os_functions(), list_functions(), math_functions(),
              regex_functions(), path_functions(), json_functions(), case_functions(),
              reflect_functions(), random_functions(), network_functions(), date_functions(),
              semver_functions()})
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

const std::string& Call::str(size_t i) const {
    if (!args.at(i).is_string())
        throw Failure{pos, "error calling " + std::string(name) +
                               ": wrong type for value; expected string; got " +
                               type_name(args[i])};
    return args[i].get_ref<const std::string&>();
}

int64_t Call::integer(size_t i) const {
    if (!args.at(i).is_number_integer())
        throw Failure{pos, "error calling " + std::string(name) +
                               ": wrong type for value; expected int; got " + type_name(args[i])};
    return args[i].get<int64_t>();
}

bool Call::boolean(size_t i) const {
    if (!args.at(i).is_boolean())
        throw Failure{pos, "error calling " + std::string(name) +
                               ": wrong type for value; expected bool; got " + type_name(args[i])};
    return args[i].get<bool>();
}

std::string strval(const Value& v) {
    return v.is_string() ? v.get<std::string>() : sprint_value(v);
}

std::vector<std::string> strslice(const Value& v) {
    std::vector<std::string> out;
    if (v.is_array()) {
        for (const auto& e : v)
            if (!e.is_null()) out.push_back(strval(e));
    } else if (!v.is_null()) {
        out.push_back(strval(v));
    }
    return out;
}

int64_t to_int64(const Value& v) {
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float()) {
        const double d = v.get<double>();
        return std::isfinite(d) && std::fabs(d) < 9.2e18 ? static_cast<int64_t>(d) : 0;
    }
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        errno = 0;
        char* end = nullptr;
        const long long n = std::strtoll(s.c_str(), &end, 0);
        if (!s.empty() && *end == '\0' && errno == 0) return n;
    }
    return 0;
}

double to_float64(const Value& v) {
    if (v.is_number()) return v.get<double>();
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && *end == '\0') return d;
    }
    return 0;
}

const Function* find_function(std::string_view name) {
    auto it = table().find(name);
    return it == table().end() ? nullptr : it->second;
}

std::string_view unsupported_function(std::string_view name) {
    static constexpr std::string_view kUnsupported[] = {"bcrypt",
                                                        "htpasswd",
                                                        "genPrivateKey",
                                                        "derivePassword",
                                                        "buildCustomCert",
                                                        "genCA",
                                                        "genCAWithKey",
                                                        "genSelfSignedCert",
                                                        "genSelfSignedCertWithKey",
                                                        "genSignedCert",
                                                        "genSignedCertWithKey",
                                                        "encryptAES",
                                                        "decryptAES"};
    if (std::find(std::begin(kUnsupported), std::end(kUnsupported), name) != std::end(kUnsupported))
        return "stash-hook leaves out Sprig's certificate, key and encryption functions";
    // Go's dicts are references (set changes the dict a variable holds); ours are values,
    // so that set would change only a copy (docs/TEMPLATE_DIFFERENCES.md).
    if (name == "set" || name == "unset")
        return "template dicts are values in stash-hook, so it could not change the dict "
               "(use dict, merge or omit to build a new one)";
    return {};
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
