// Dates: filled in below.
#include "template/functions.hpp"
namespace stash_hook::tmpl {
std::span<const Function> date_functions() { return {}; }
}  // namespace stash_hook::tmpl
