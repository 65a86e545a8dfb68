#include "util/prometheus.hpp"

#include <cstdio>

namespace stash_hook {
namespace {

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

}  // namespace

void PrometheusText::add(const std::string& name, const std::string& help,
                         const std::string& labels, double value, const std::string& type) {
    auto [it, added] = families_.try_emplace(name);
    if (added) order_.push_back(name);
    it->second.help = help;
    it->second.type = type;
    it->second.samples.push_back(name + (labels.empty() ? "" : "{" + labels + "}") + " " +
                                 number(value));
}

std::string PrometheusText::str() const {
    std::string out;
    for (const auto& name : order_) {
        const auto& f = families_.at(name);
        out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
        for (const auto& s : f.samples) out += s + "\n";
    }
    return out;
}

std::string prometheus_label(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

}  // namespace stash_hook
