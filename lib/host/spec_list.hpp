#pragma once
// `stash-hook list`: the specs found by name (spec_search.hpp), each loaded and checked.

#include <string>
#include <vector>

namespace stash_hook {

struct ListedSpec {
    std::string name;  // the file's name without .yaml: what -f NAME finds
    std::string path;
    std::string kind;      // "backup", "restore"; empty when invalid
    std::string schedule;  // empty when none
    std::string problem;   // empty when valid; else the first problem, or what shadows it
    bool valid() const { return problem.empty(); }
};

/// Every *.yaml in spec_search_dirs(), in search order then by name. A name found in an
/// earlier folder shadows the later ones (their problem says so).
std::vector<ListedSpec> list_specs();

/// The listing as aligned columns NAME PATH KIND SCHEDULE STATUS, one spec a line.
std::string format_spec_list(const std::vector<ListedSpec>& specs);

}  // namespace stash_hook
