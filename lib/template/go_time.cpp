// Go time.
#include "template/functions.hpp"
