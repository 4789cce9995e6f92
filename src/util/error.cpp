#include "naswot/util/error.h"

#include <cstdio>
#include <cstdlib>

namespace naswot {

namespace {
std::string join(std::string_view input, std::string_view problem) {
  std::string s(input);
  s += ": ";
  s += problem;
  return s;
}
}  // namespace

InputError::InputError(std::string_view input, std::string_view problem)
    : std::invalid_argument(join(input, problem)), input_size_(input.size()) {}

void check_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "naswot: internal check failed at %s:%d: %s\n", file, line, expr);
  std::abort();
}

}  // namespace naswot
