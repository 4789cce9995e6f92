// Errors. Bad input from a user (flags, architecture strings, files) is an InputError whose
// message is one line, "<input>: <problem>"; the CLI maps it to exit status 2. Broken
// preconditions inside the library are bugs and abort through NASWOT_CHECK in every build.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace naswot {

class InputError : public std::invalid_argument {
 public:
  // `input` names what was wrong (a flag, a file, an architecture string); `problem` says why.
  InputError(std::string_view input, std::string_view problem);
  [[nodiscard]] int exit_code() const { return 2; }
  // The two parts of what(), so a caller can re-attribute the error (e.g. the CLI naming its
  // flag where the library named the flag's value).
  [[nodiscard]] std::string_view input() const { return std::string_view(what(), input_size_); }
  [[nodiscard]] std::string_view problem() const {
    return std::string_view(what()).substr(input_size_ + 2);
  }

 private:
  std::size_t input_size_;
};

[[noreturn]] void check_failed(const char* expr, const char* file, int line);

}  // namespace naswot

#define NASWOT_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::naswot::check_failed(#cond, __FILE__, __LINE__))
