#pragma once
// "Did you mean ...?" support for misspelt keys and values.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stash_hook {

/// Edit distance counting a swap of neighbours as one edit, ASCII case-insensitive.
int edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, if it is close enough to be a plausible typo
/// (at most a third of the word's length, and at most 3 edits).
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string_view>& candidates);

}  // namespace stash_hook
