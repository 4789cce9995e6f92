// Kill-and-resume: `naswot scan` killed with SIGKILL at random points and resumed each time ends
// with the rows of an uninterrupted scan, row for row (the `seconds` column aside), and the file
// is a valid scan CSV every time it is looked at: while the scan runs, right after each kill and
// at the end. The kill points are random (seed printed on failure); half are timed from the
// start (they can land before the file exists or while its header is written), half are
// triggered by the file reaching a random row count.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace naswot {
namespace {

constexpr const char* kHeader = "index,arch,score,n_units,seconds";
// 40 NB201 networks of mixed cost (convolutions and pools, some -inf), about 0.4 s in Release.
constexpr std::int64_t kFirst = 7800, kLast = 7840;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Starts `naswot scan` on the range with its output to `out`; stdout and stderr to `log`.
pid_t start_scan(const std::string& out, const std::string& log) {
  const std::string range = std::to_string(kFirst) + ":" + std::to_string(kLast);
  std::vector<std::string> args = {NASWOT_BIN, "scan",   "--range", range,       "--batch-size",
                                   "4",        "--jobs", "1",       "--threads", "1",
                                   "--out",    out,      "-q"};
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(NASWOT_BIN, argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits for pid; returns its raw wait status.
int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// A scan file's rows keyed by index, with the `seconds` column dropped.
struct Rows {
  std::vector<std::int64_t> order;
  std::vector<std::string> without_seconds;  // "index,arch,score,n_units"
};

// Checks that `text` is a valid scan file for [kFirst, kLast): the header, then rows of five
// fields whose first four equal the reference row of that index, each index once. A trailing
// line without '\n' (a torn write) is reported in *torn when it is a prefix of a reference row;
// anything else is a failure described in *why. `reference` empty: only the syntax is checked.
bool check_scan_file(const std::string& text, const std::vector<std::string>& reference, Rows* rows,
                     bool* torn, std::string* why) {
  *torn = false;
  if (text.empty()) return true;  // created, header not yet written
  const std::size_t last_nl = text.rfind('\n');
  const std::string complete = last_nl == std::string::npos ? "" : text.substr(0, last_nl);
  const std::string tail = last_nl == std::string::npos ? text : text.substr(last_nl + 1);
  if (!tail.empty()) {
    *torn = true;
    bool plausible = std::string(kHeader).starts_with(tail) && last_nl == std::string::npos;
    for (const std::string& r : reference) {
      if ((r + ",").starts_with(tail) || tail.starts_with(r + ",")) plausible = true;
    }
    if (!plausible) {
      *why = "torn tail '" + tail + "' is not a prefix of any row";
      return false;
    }
  }
  if (last_nl == std::string::npos) return true;
  const std::vector<std::string> lines = split(complete, '\n');
  if (lines[0] != kHeader) {
    *why = "bad header '" + lines[0] + "'";
    return false;
  }
  std::set<std::int64_t> seen;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = split(lines[i], ',');
    if (f.size() != 5) {
      *why = "line " + std::to_string(i + 1) + " has " + std::to_string(f.size()) + " fields: '" +
             lines[i] + "'";
      return false;
    }
    std::int64_t index = -1;
    std::size_t used = 0;
    try {
      index = std::stoll(f[0], &used);
      std::stod(f[4]);
    } catch (const std::exception&) {
      *why = "line " + std::to_string(i + 1) + " does not parse: '" + lines[i] + "'";
      return false;
    }
    if (used != f[0].size() || index < kFirst || index >= kLast || !seen.insert(index).second) {
      *why = "line " + std::to_string(i + 1) + " has a bad or repeated index: '" + lines[i] + "'";
      return false;
    }
    const std::string head = f[0] + "," + f[1] + "," + f[2] + "," + f[3];
    if (!reference.empty() && head != reference[static_cast<std::size_t>(index - kFirst)]) {
      *why = "line " + std::to_string(i + 1) + " '" + head + "' differs from the reference '" +
             reference[static_cast<std::size_t>(index - kFirst)] + "'";
      return false;
    }
    if (rows != nullptr) {
      rows->order.push_back(index);
      rows->without_seconds.push_back(head);
    }
  }
  return true;
}

std::int64_t complete_rows(const std::string& text) {
  const auto n = static_cast<std::int64_t>(std::count(text.begin(), text.end(), '\n'));
  return n > 0 ? n - 1 : 0;
}

TEST(ScanKill, ResumedAfterRandomKillsEqualsAnUninterruptedScan) {
  testing::TempDir dir;
  const std::string log = (dir / "log").string();

  // The uninterrupted scan.
  const std::string once = (dir / "once.csv").string();
  const auto once_start = std::chrono::steady_clock::now();
  const int once_status = wait_for(start_scan(once, log));
  const auto once_us = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - once_start)
                           .count();
  ASSERT_TRUE(WIFEXITED(once_status) && WEXITSTATUS(once_status) == 0) << slurp(log);
  std::vector<std::string> reference;
  {
    Rows rows;
    bool torn = false;
    std::string why;
    ASSERT_TRUE(check_scan_file(slurp(once), {}, &rows, &torn, &why)) << why;
    ASSERT_FALSE(torn);
    ASSERT_EQ(rows.order.size(), static_cast<std::size_t>(kLast - kFirst));
    for (std::size_t k = 0; k < rows.order.size(); ++k) {
      ASSERT_EQ(rows.order[k], kFirst + static_cast<std::int64_t>(k));  // index order
    }
    reference = rows.without_seconds;
  }
  // Start-up alone: resuming the finished file scores nothing.
  const auto idle_start = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_for(start_scan(once, log)), 0) << slurp(log);
  const auto startup_us = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - idle_start)
                              .count();
  const std::int64_t per_network_us =
      std::max<std::int64_t>(0, once_us - startup_us) / (kLast - kFirst);

  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("kill schedule seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  const std::string out = (dir / "killed.csv").string();
  int kills = 0, observations = 0, torn_seen = 0;
  bool finished = false;
  const auto look = [&](const char* when) {
    const std::string text = slurp(out);
    bool torn = false;
    std::string why;
    ++observations;
    EXPECT_TRUE(check_scan_file(text, reference, nullptr, &torn, &why)) << when << ": " << why;
    if (torn) ++torn_seen;
    return text;
  };
  for (int round = 0; round < 12 && kills < 6 && !finished; ++round) {
    const std::int64_t before = complete_rows(slurp(out));
    const pid_t pid = start_scan(out, log);
    const auto start = std::chrono::steady_clock::now();
    const bool by_time = round % 2 == 0;
    const std::int64_t remaining = (kLast - kFirst) - before;
    // Timed kills fall anywhere in what is left of a run, start-up included.
    const auto delay = std::chrono::microseconds(std::uniform_int_distribution<std::int64_t>(
        0, startup_us + per_network_us * remaining * 6 / 10)(rng));
    // Row-triggered kills wait for a few more rows (a chunk is 4 rows), then up to a network's
    // time more, so they land while scoring, while appending, or right after.
    const std::int64_t target = before + std::uniform_int_distribution<std::int64_t>(
                                             1, std::clamp<std::int64_t>(remaining - 4, 1, 8))(rng);
    int status = 0;
    for (;;) {
      const pid_t done = ::waitpid(pid, &status, WNOHANG);
      if (done == pid) break;  // finished before we killed it
      const std::string text = look("while running");
      const bool fire = by_time ? std::chrono::steady_clock::now() - start >= delay
                                : complete_rows(text) >= target;
      if (fire) {
        if (!by_time) {
          std::this_thread::sleep_for(std::chrono::microseconds(
              std::uniform_int_distribution<std::int64_t>(0, per_network_us)(rng)));
        }
        ::kill(pid, SIGKILL);
        status = wait_for(pid);
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    if (WIFSIGNALED(status)) {
      ASSERT_EQ(WTERMSIG(status), SIGKILL);
      ++kills;
    } else {  // it won the race: scored everything that was left
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(log);
      finished = true;
    }
    look("after the kill");
  }
  // Resume to the end (a kill may have left a torn last line; the resume cuts it).
  const int status = wait_for(start_scan(out, log));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(log);
  Rows rows;
  bool torn = false;
  std::string why;
  ASSERT_TRUE(check_scan_file(slurp(out), reference, &rows, &torn, &why)) << why;
  EXPECT_FALSE(torn);
  EXPECT_EQ(rows.without_seconds, reference);  // row for row, in index order
  EXPECT_FALSE(std::filesystem::exists(out + ".damaged"));
  EXPECT_GE(kills, 3) << "the scan finished too fast to be killed; observations " << observations;
  RecordProperty("kills", kills);
  RecordProperty("observations", observations);
  RecordProperty("torn_observations", torn_seen);
}

}  // namespace
}  // namespace naswot
