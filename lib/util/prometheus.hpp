#pragma once
// Prometheus' text exposition format (version 0.0.4): families written once each, with
// HELP and TYPE, in the order first added. The metrics file and serve's /metrics.

#include <map>
#include <string>
#include <vector>

namespace stash_hook {

class PrometheusText {
  public:
    /// Adds a sample of family `name`; `labels` is `a="x",b="y"` (values escaped with
    /// prometheus_label), or empty.
    void add(const std::string& name, const std::string& help, const std::string& labels,
             double value, const std::string& type = "gauge");
    std::string str() const;

  private:
    struct Family {
        std::string help;
        std::string type;
        std::vector<std::string> samples;
    };
    std::map<std::string, Family> families_;
    std::vector<std::string> order_;
};

/// A label value escaped as the format requires: backslash, quote, newline.
std::string prometheus_label(const std::string& value);

}  // namespace stash_hook
