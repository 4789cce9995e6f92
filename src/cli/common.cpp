#include "cli/common.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "naswot/bench/nds.h"
#include "naswot/search/memory.h"
#include "naswot/util/error.h"

namespace naswot::cli {

void add_common_options(CLI::App& app, CommonOptions& o) {
  app.add_option("--space", o.space,
                 fmt::format("search space ({}), optionally with options NAME:KEY=VALUE,... "
                             "(see `naswot spaces`)",
                             fmt::join(spaces::space_names(), ", ")))
      ->capture_default_str();
  app.add_option("--stem-channels", o.stem_channels,
                 "same as the space option stem=N (for the spaces that have a stem width)");
  app.add_option("--data", o.data, "images: gaussian | cifar10:PATH | cifar100:PATH | folder:PATH")
      ->capture_default_str();
  app.add_option("--batch-size", o.batch_size, "images per batch (K is batch x batch)")
      ->capture_default_str();
  app.add_option("--batch", o.batch, "random: distinct images drawn with --seed; first: file order")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "seed for batches, weights and sampling")->capture_default_str();
  app.add_option("--weight-seed", o.weight_seed, "seed of the initial weights (default: --seed)");
  app.add_option("--threads", o.threads,
                 "OpenMP threads per network (0 = auto: 1 per job when scoring many networks, "
                 "all cores for one)")
      ->capture_default_str();
  app.add_option("--jobs", o.jobs, "networks scored at once (0 = auto: one per core)")
      ->capture_default_str();
  app.add_option("--relu-sites", o.relu_sites,
                 "reference: count every hooked site (ReLUConvBN twice); unique: each ReLU once")
      ->capture_default_str();
  app.add_option(
         "--precision", o.precision,
         "f32: reference numerics; bf16: bf16 convolutions (faster, a few sign bits differ)")
      ->capture_default_str();
  app.add_flag("--json", o.json, "one JSON object per result on stdout");
  app.add_flag("-q,--quiet", o.quiet, "no progress or messages on stderr");
  app.add_flag("-v,--verbose", o.verbose, "a line per scored network on stderr");
}

std::uint64_t weight_seed(const CommonOptions& o) {
  return o.weight_seed >= 0 ? static_cast<std::uint64_t>(o.weight_seed) : o.seed;
}

Context load_context(const CommonOptions& o) {
  Context ctx;
  spaces::SpaceOptions space_options;
  if (o.stem_channels) {
    space_options.set("stem", std::to_string(*o.stem_channels),
                      fmt::format("--stem-channels {}", *o.stem_channels));
  }
  try {
    ctx.space = spaces::make_space(o.space, std::move(space_options));
  } catch (const InputError& e) {  // the library names the space text; the CLI adds its flag
    if (e.input() != o.space) throw;
    throw InputError("--space " + o.space, e.problem());
  }
  if (o.batch_size < 2) {
    throw InputError(fmt::format("--batch-size {}", o.batch_size), "K needs at least 2 images");
  }
  if (o.batch == "random") {
    ctx.batch_mode = data::BatchMode::kRandom;
  } else if (o.batch == "first") {
    ctx.batch_mode = data::BatchMode::kFirst;
  } else {
    throw InputError(fmt::format("--batch {}", o.batch), "must be 'random' or 'first'");
  }
  if (o.relu_sites == "reference") {
    ctx.scorer.counting = spaces::SiteCounting::kReference;
  } else if (o.relu_sites == "unique") {
    ctx.scorer.counting = spaces::SiteCounting::kUnique;
  } else {
    throw InputError(fmt::format("--relu-sites {}", o.relu_sites),
                     "must be 'reference' or 'unique'");
  }
  if (o.precision == "f32") {
    ctx.scorer.executor.precision = engine::Precision::kF32;
  } else if (o.precision == "bf16") {
    ctx.scorer.executor.precision = engine::Precision::kBF16;
  } else {
    throw InputError(fmt::format("--precision {}", o.precision), "must be 'f32' or 'bf16'");
  }
  if (o.threads < 0) throw InputError(fmt::format("--threads {}", o.threads), "must be >= 0");
  if (o.jobs < 0) throw InputError(fmt::format("--jobs {}", o.jobs), "must be >= 0");
  ctx.scorer.executor.threads = o.threads;
  ctx.data = data::Dataset::load(data::parse_data_spec(o.data));
  if (!ctx.data.is_gaussian() && o.batch_size > ctx.data.size()) {
    throw InputError(fmt::format("--batch-size {}", o.batch_size),
                     fmt::format("larger than the {} images of {}", ctx.data.size(), o.data));
  }
  search::check_batch_memory(*ctx.space, o.batch_size, ctx.data.image_size(), ctx.scorer,
                             fmt::format("--batch-size {}", o.batch_size));
  if (!o.bench.empty()) ctx.table = read_bench(o.bench, ctx.space.get());
  return ctx;
}

bench::Table read_bench(const std::string& path, const spaces::SearchSpace* space) {
  if (std::filesystem::path(path).extension() != ".json") {
    return bench::Table::read_csv(path, space ? space->table_keys() : spaces::all_table_keys());
  }
  // Without a space, the first net decides: the first registered space that reads it.
  std::unique_ptr<const spaces::SearchSpace> own;
  const std::string stem = std::filesystem::path(path).stem().string();
  return bench::read_nds_json(path, [&](std::string_view net) {
    if (space == nullptr) {
      std::optional<spaces::NdsMatch> match = spaces::space_for_nds(net, stem);
      if (!match) throw InputError(net, "no search space reads this NDS net");
      own = std::move(match->space);
      space = own.get();
      return space->format(match->arch);
    }
    const std::optional<spaces::Arch> arch = space->from_nds(net, stem);
    if (!arch) {
      throw InputError(net, fmt::format("not a net of the {} space", space->name()));
    }
    return space->format(*arch);
  });
}

ScoreJoin join_scores(const std::string& scores_path, const std::string& bench_path,
                      const std::string& score_column, const std::vector<std::string>& metrics) {
  ScoreJoin j{bench::Table::read_csv(scores_path, {{"arch"}}),
              read_bench(bench_path, nullptr),
              {},
              {},
              {},
              0};
  j.scores.require_column(score_column);
  if (!j.scores.has_column("arch"))
    throw InputError(scores_path, "has no `arch` column to join on");
  j.metrics = metrics.empty() ? j.table.metric_columns() : metrics;
  for (const std::string& m : j.metrics) j.table.require_column(m);
  for (std::int64_t r = 0; r < j.scores.n_rows(); ++r) {
    const auto row = j.table.row_of_arch(j.scores.text(r, "arch"));
    if (!row) {
      ++j.unmatched;
      continue;
    }
    j.score_rows.push_back(r);
    j.table_rows.push_back(*row);
  }
  if (j.score_rows.empty()) {
    throw InputError(scores_path, fmt::format("no architecture matches a row of {}", bench_path));
  }
  return j;
}

nlohmann::json score_json(double score) {
  if (std::isfinite(score)) return score;
  if (std::isnan(score)) return "nan";
  return score < 0 ? "-inf" : "inf";
}

spaces::Arch resolve_arch(const Context& ctx, const std::string& arch_text,
                          std::optional<std::int64_t> index) {
  if (!arch_text.empty()) return ctx.space->parse(arch_text);
  NASWOT_CHECK(index.has_value());
  const std::string flag = fmt::format("--index {}", *index);
  if (ctx.table) {
    const bench::Table& t = *ctx.table;
    std::optional<std::int64_t> row;
    if (t.has_column("index")) {
      row = t.row_of_index(*index);
    } else if (*index >= 0 && *index < t.n_rows()) {
      row = *index;  // no `index` column (the NB101 subset): indexed by row position
    }
    if (!row) throw InputError(flag, fmt::format("not an index of {}", t.source()));
    // The row's architecture text is its key (the space's table_keys()).
    if (!t.has_arch_key()) {
      throw InputError(t.source(), fmt::format("has no architecture column ({})",
                                               bench::describe_keys(ctx.space->table_keys())));
    }
    return ctx.space->parse(t.arch_key(*row));
  }
  const spaces::Enumeration* list = ctx.space->enumeration();
  if (list == nullptr) {
    throw InputError(flag, fmt::format("the {} space is not enumerable; give --bench or --arch",
                                       ctx.space->name()));
  }
  if (*index < 0 || *index >= list->size()) {
    throw InputError(flag, fmt::format("out of range: the {} space has {} architectures",
                                       ctx.space->name(), list->size()));
  }
  return list->at(*index);
}

ProgressLine::ProgressLine(std::string label, bool quiet)
    : label_(std::move(label)), enabled_(!quiet && ::isatty(STDERR_FILENO)) {}

ProgressLine::~ProgressLine() {
  if (drawn_) fmt::print(stderr, "\n");
}

void ProgressLine::update(const search::Progress& p) {
  if (!enabled_) return;
  if (p.done != p.total && p.elapsed_seconds - last_draw_ < 0.2) return;
  last_draw_ = p.elapsed_seconds;
  const double rate = p.elapsed_seconds > 0 ? static_cast<double>(p.done) / p.elapsed_seconds : 0.0;
  const double eta = rate > 0 ? static_cast<double>(p.total - p.done) / rate : 0.0;
  fmt::print(stderr, "\r{} {}/{}  {:.1f} networks/s  ETA {:.0f} s   ", label_, p.done, p.total,
             rate, eta);
  drawn_ = true;
}

}  // namespace naswot::cli
