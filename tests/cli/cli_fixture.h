// The fixture of the end-to-end CLI tests: runs the built `naswot` (NASWOT_BIN, defined by
// tests/CMakeLists.txt for cli_tests) in a shell with stdout and stderr captured to files of a
// per-test temp dir, and reads files back.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "support/temp_dir.h"

namespace naswot::testing {

class CliTest : public ::testing::Test {
 protected:
  struct Result {
    int code = -1;  // exit status, -1 when killed by a signal
    std::string out, err;
  };

  // Runs `naswot ARGS` (ARGS as shell words).
  Result run(const std::string& args) const {
    const std::string cmd =
        std::string(NASWOT_BIN) + " " + args + " >" + path("out") + " 2>" + path("err");
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp("out"), slurp("err")};
  }
  [[nodiscard]] std::string path(const std::string& name) const { return (dir_ / name).string(); }
  [[nodiscard]] std::string slurp(const std::string& name) const {
    std::ifstream in(dir_ / name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // s as one shell word: single-quoted, each ' written as '\''.
  static std::string q(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }

  TempDir dir_;
};

}  // namespace naswot::testing
