#include "util/log_context.hpp"

namespace stash_hook::log_context {

Fields& current() {
    thread_local Fields fields;
    return fields;
}

}  // namespace stash_hook::log_context
