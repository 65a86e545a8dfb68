#include "host/spec_list.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "spec/spec_loader.hpp"
#include "spec/spec_search.hpp"

namespace stash_hook {

std::vector<ListedSpec> list_specs() {
    std::vector<ListedSpec> specs;
    std::set<std::string> seen;
    for (const auto& dir : spec_search_dirs()) {
        std::vector<std::filesystem::path> files;
        std::error_code ec;
        for (auto it = std::filesystem::directory_iterator(dir, ec);
             !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
            if (it->path().extension() == ".yaml") files.push_back(it->path());
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            ListedSpec listed;
            listed.name = file.stem().string();
            listed.path = file.string();
            if (!seen.insert(listed.name).second) {
                listed.problem = "shadowed by an earlier " + listed.name + ".yaml";
                specs.push_back(std::move(listed));
                continue;
            }
            auto loaded = load_spec_file(listed.path);
            if (loaded.spec) {
                listed.kind = to_string(loaded.spec->kind);
                listed.schedule = loaded.spec->schedule;
            } else if (!loaded.problems.empty()) {
                listed.problem = loaded.problems.front().str();
            }
            specs.push_back(std::move(listed));
        }
    }
    return specs;
}

std::string format_spec_list(const std::vector<ListedSpec>& specs) {
    std::vector<std::vector<std::string>> rows{{"NAME", "PATH", "KIND", "SCHEDULE", "STATUS"}};
    for (const auto& s : specs)
        rows.push_back({s.name, s.path, s.kind.empty() ? "-" : s.kind,
                        s.schedule.empty() ? "-" : s.schedule, s.valid() ? "valid" : s.problem});
    std::vector<size_t> widths(rows.front().size(), 0);
    for (const auto& row : rows)
        for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    std::string out;
    for (const auto& row : rows) {
        for (size_t i = 0; i < row.size(); ++i) {
            out += row[i];
            if (i + 1 < row.size()) out += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        out += "\n";
    }
    return out;
}

}  // namespace stash_hook
