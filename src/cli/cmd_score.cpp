// naswot score: the NASWOT score of one architecture.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "naswot/search/scan_store.h"
#include "naswot/util/error.h"

namespace naswot::cli {

namespace {

struct ScoreOptions {
  CommonOptions common;
  std::string arch;
  std::int64_t index = -1;
};

int run_score(const ScoreOptions& o, bool have_index) {
  Context ctx = load_context(o.common);
  const spaces::Arch arch =
      resolve_arch(ctx, o.arch, have_index ? std::optional(o.index) : std::nullopt);
  const std::string text = ctx.space->format(arch);
  search::Scorer scorer(*ctx.space, ctx.scorer);
  const Tensor batch = ctx.data.batch(o.common.batch_size, ctx.batch_mode, o.common.seed);
  const search::ScoreResult r = scorer.score(arch, batch, weight_seed(o.common));

  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  std::optional<std::int64_t> bench_index;
  if (ctx.table) {
    if (const auto row = search::table_row(*ctx.table, *ctx.space, arch)) {
      for (const std::string& col : ctx.table->metric_columns()) {
        if (const auto v = ctx.table->value(*row, col)) metrics[col] = *v;
      }
      if (ctx.table->has_column("index")) bench_index = std::stoll(ctx.table->text(*row, "index"));
    }
  }
  if (o.common.json) {
    nlohmann::ordered_json j = {{"arch", text},
                                {"score", score_json(r.score)},
                                {"n_units", r.n_units},
                                {"seconds", r.seconds}};
    if (bench_index) j["index"] = *bench_index;
    if (!metrics.empty()) j["metrics"] = metrics;
    fmt::print("{}\n", j.dump());
    return 0;
  }
  fmt::print("arch     {}\n", text);
  if (bench_index) fmt::print("index    {}\n", *bench_index);
  fmt::print("score    {}\n", search::format_score(r.score));
  fmt::print("n_units  {}\n", r.n_units);
  fmt::print("seconds  {:.3f}\n", r.seconds);
  for (const auto& [col, v] : metrics.items()) fmt::print("{}  {:.2f}\n", col, v.get<double>());
  return 0;
}

}  // namespace

Command add_score_command(CLI::App& app) {
  auto o = std::make_shared<ScoreOptions>();
  CLI::App* sub = app.add_subcommand("score", "score one architecture");
  add_common_options(*sub, o->common);
  auto* arch = sub->add_option("--arch", o->arch, "architecture in the space's encoding");
  auto* index = sub->add_option("--index", o->index,
                                "benchmark index (with --bench) or the space's enumeration index");
  arch->excludes(index);
  sub->add_option("--bench", o->common.bench,
                  "benchmark table (CSV, or an NDS .json file) to look the arch up in");
  return [o, arch, index] {
    if (arch->count() == 0 && index->count() == 0) {
      throw InputError("naswot score", "give --arch or --index");
    }
    return run_score(*o, index->count() > 0);
  };
}

}  // namespace naswot::cli
