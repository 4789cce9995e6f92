// Options and helpers shared by the subcommands: the data/space/scoring flags, loading what
// they name, printing results (human text or one JSON object per result) and progress.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "naswot/bench/table.h"
#include "naswot/data/dataset.h"
#include "naswot/search/best_of_n.h"
#include "naswot/search/scorer.h"
#include "naswot/spaces/space.h"

namespace naswot::cli {

struct CommonOptions {
  std::string space = "nb201";
  std::optional<std::int64_t> stem_channels;  // --stem-channels: the space option stem=N
  std::string data = "gaussian";
  std::int64_t batch_size = 128;
  std::string batch = "random";
  std::uint64_t seed = 1;
  std::int64_t weight_seed = -1;  // -1: same as seed
  int threads = 0;
  int jobs = 0;
  std::string relu_sites = "reference";
  std::string precision = "f32";
  std::string bench;  // benchmark table path, optional
  bool json = false;
  bool quiet = false;
  bool verbose = false;
};

// The seed of the initial weights: --weight-seed, or --seed when that is not given.
[[nodiscard]] std::uint64_t weight_seed(const CommonOptions& o);

// Adds --space, --stem-channels, --data, --batch-size, --batch, --seed, --threads, --jobs,
// --relu-sites, --json, -q, -v.
void add_common_options(CLI::App& app, CommonOptions& o);

// What the common options name, loaded and checked. Throws InputError.
struct Context {
  std::unique_ptr<const spaces::SearchSpace> space;
  data::Dataset data;
  data::BatchMode batch_mode = data::BatchMode::kRandom;
  std::optional<bench::Table> table;
  search::ScorerOptions scorer;
};
[[nodiscard]] Context load_context(const CommonOptions& o);

// A benchmark table: CSV, or an NDS `.json` file whose entries' nets `space` canonicalises
// (when null: `darts` if the nets have genotypes, else `anynet`).
[[nodiscard]] bench::Table read_bench(const std::string& path, const spaces::SearchSpace* space);

// A scan's scores joined to a benchmark table on the architecture string, for correlate and
// simulate. Throws InputError when a file is bad, the score column or a metric is missing, or
// no scan row matches the table.
struct ScoreJoin {
  bench::Table scores, table;
  std::vector<std::string> metrics;                  // as requested, else every metric column
  std::vector<std::int64_t> score_rows, table_rows;  // matched pairs, in scan order
  std::int64_t unmatched = 0;                        // scan rows the table does not have
};
[[nodiscard]] ScoreJoin join_scores(const std::string& scores_path, const std::string& bench_path,
                                    const std::string& score_column,
                                    const std::vector<std::string>& metrics);

// JSON value of a score: a number, or the string "-inf"/"inf"/"nan".
[[nodiscard]] nlohmann::json score_json(double score);

// Architecture named by --arch or --index (a benchmark index when a table is given, else the
// space's own enumeration). Throws InputError.
[[nodiscard]] spaces::Arch resolve_arch(const Context& ctx, const std::string& arch_text,
                                        std::optional<std::int64_t> index);

// Redraws "label done/total, rate, ETA" on stderr at most 5 times a second, only when stderr
// is a terminal and not quiet.
class ProgressLine {
 public:
  ProgressLine(std::string label, bool quiet);
  ~ProgressLine();
  void update(const search::Progress& p);

 private:
  std::string label_;
  bool enabled_;
  double last_draw_ = -1.0;
  bool drawn_ = false;
};

}  // namespace naswot::cli
