// The InputError message a call throws, for tests that check what an error names.
#pragma once

#include <string>

#include "naswot/util/error.h"

namespace naswot::testing {

// The InputError message of f(), or "" when it does not throw one.
template <typename F>
std::string input_error(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace naswot::testing
