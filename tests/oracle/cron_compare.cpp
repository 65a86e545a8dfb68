// Compares our cron answers with robfig/cron v3's (cron_oracle.go's output) over a corpus.
//   cron_compare CORPUS ORACLE_OUTPUT
// A corpus line is "schedule<TAB>zone<TAB>unix seconds[<TAB>differs: why]"; `\n` in the
// schedule stands for a newline. A line marked "differs" is a documented difference (the
// man page's SCHEDULES section): our answer must differ from robfig's there, and agree
// everywhere else. Exits 1 on any disagreement, printing each.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "corpus.hpp"
#include "schedule/cron.hpp"

using namespace stash_hook;

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t at; (at = line.find('\t', start)) != std::string::npos; start = at + 1)
        out.push_back(line.substr(start, at - start));
    out.push_back(line.substr(start));
    return out;
}

std::string ours(std::string spec, const std::string& zone, long long at) {
    for (size_t p; (p = spec.find("\\n")) != std::string::npos;) spec.replace(p, 2, "\n");
    auto s = CronSchedule::parse(spec, zone);
    if (!s) return "reject";
    std::string out = "accept";
    auto t = std::chrono::system_clock::time_point(std::chrono::seconds(at));
    for (int i = 0; i < 5; ++i) {
        t = s->next_after(t);
        if (t == std::chrono::system_clock::time_point::max()) return out + " never";
        out += " " +
               std::to_string(
                   std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
    }
    return out;
}

/// "accept 1730080800 ..." with each instant also in the zone's wall time, for the report.
std::string readable(const std::string& answer, const std::string& zone) {
    auto z = CronSchedule::parse("* * * * *", zone);
    std::string out;
    size_t start = 0;
    for (size_t end; start < answer.size(); start = end + 1) {
        end = answer.find(' ', start);
        if (end == std::string::npos) end = answer.size();
        const std::string word = answer.substr(start, end - start);
        if (z && !word.empty() && std::isdigit(static_cast<unsigned char>(word[0])))
            out += " " + z->format(std::chrono::system_clock::time_point(
                             std::chrono::seconds(std::stoll(word))));
        else
            out += " " + word;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: cron_compare CORPUS ORACLE_OUTPUT\n";
        return 2;
    }
    std::ifstream corpus(argv[1]), oracle(argv[2]);
    int lines = 0, agreed = 0, documented = 0, failures = 0;
    for (std::string line, theirs; next_case(corpus, oracle, line, theirs);) {
        const auto f = split_tabs(line);
        if (f.size() < 3) {
            std::cerr << "bad corpus line: " << line << "\n";
            return 1;
        }
        ++lines;
        const std::string mine = ours(f[0], f[1], std::stoll(f[2]));
        const bool differs = f.size() > 3 && f[3].starts_with("differs");
        if ((mine == theirs) == !differs) {
            (differs ? documented : agreed) += 1;
            continue;
        }
        ++failures;
        std::cout << (differs ? "documented difference no longer differs: " : "disagreement: ")
                  << f[0] << " | " << f[1] << " | after" << readable(f[2], f[1])
                  << "\n  ours:  " << readable(mine, f[1])
                  << "\n  robfig:" << readable(theirs, f[1]) << "\n";
    }
    std::cout << lines << " schedules: " << agreed << " agree with robfig/cron, " << documented
              << " differ as documented, " << failures << " wrong\n";
    return failures == 0 && lines > 0 ? 0 : 1;
}
