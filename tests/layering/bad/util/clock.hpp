#pragma once
// A deliberately bad tree for the layering check: util/ includes a folder above it.
#include <string>

#include "session/session.hpp"
#include "util/error.hpp"
