#pragma once
// The differential tests' common walk: a corpus of cases (one a line; blank lines and
// # comments skipped) read in step with the oracle's output for it, one line a case.

#include <cstdlib>
#include <iostream>
#include <istream>
#include <string>

/// The next case into `line` and the oracle's answer into `theirs`; false after the last
/// case. An oracle output shorter than the corpus ends the program (status 1).
inline bool next_case(std::istream& corpus, std::istream& oracle, std::string& line,
                      std::string& theirs) {
    while (std::getline(corpus, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (!std::getline(oracle, theirs)) {
            std::cerr << "the oracle's output ends early at: " << line << "\n";
            std::exit(1);
        }
        return true;
    }
    return false;
}
