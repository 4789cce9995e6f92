// naswot scan: score many architectures into a CSV, resumably. Every network is scored on the
// same batch with the same weight seed, as the reference's score_networks.py does.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <map>

#include "cli/commands.h"
#include "cli/common.h"
#include "naswot/search/scan_store.h"
#include "naswot/util/error.h"

namespace naswot::cli {

namespace {

struct ScanOptions {
  CommonOptions common;
  bool all = false;
  std::string range, indices_file, out;
};

// The benchmark indices (with a table) or enumeration indices to scan, in order.
std::vector<std::int64_t> indices_to_scan(const ScanOptions& o, const Context& ctx) {
  std::vector<std::int64_t> out;
  std::int64_t size = 0;
  if (ctx.table) {
    size = ctx.table->n_rows();
  } else if (const spaces::Enumeration* list = ctx.space->enumeration()) {
    size = list->size();
  } else {
    throw InputError("--all/--range", fmt::format("the {} space is not enumerable; give --bench",
                                                  ctx.space->name()));
  }
  const int modes = int(o.all) + int(!o.range.empty()) + int(!o.indices_file.empty());
  if (modes != 1)
    throw InputError("naswot scan", "give exactly one of --all, --range A:B, --indices FILE");
  if (o.all) {
    for (std::int64_t i = 0; i < size; ++i) out.push_back(i);
  } else if (!o.range.empty()) {
    const std::size_t colon = o.range.find(':');
    std::int64_t a = 0, b = 0;
    try {
      if (colon == std::string::npos) throw std::invalid_argument("no colon");
      std::size_t used_a = 0, used_b = 0;
      a = std::stoll(o.range.substr(0, colon), &used_a);
      b = std::stoll(o.range.substr(colon + 1), &used_b);
      if (used_a != colon || used_b != o.range.size() - colon - 1)
        throw std::invalid_argument("junk");
    } catch (const std::exception&) {
      throw InputError(fmt::format("--range {}", o.range), "expected A:B with integers A < B");
    }
    if (a < 0 || b <= a || b > size) {
      throw InputError(fmt::format("--range {}", o.range),
                       fmt::format("must satisfy 0 <= A < B <= {}", size));
    }
    for (std::int64_t i = a; i < b; ++i) out.push_back(i);
  } else {
    std::ifstream in(o.indices_file);
    if (!in) throw InputError(o.indices_file, "cannot read the indices file");
    std::string line;
    std::map<std::int64_t, std::int64_t> line_of;  // index -> first line, to reject repeats
    for (std::int64_t line_no = 1; std::getline(in, line); ++line_no) {
      if (line.empty()) continue;
      try {
        std::size_t used = 0;
        out.push_back(std::stoll(line, &used));
        if (used != line.size()) throw std::invalid_argument("junk");
      } catch (const std::exception&) {
        throw InputError(fmt::format("{}:{}", o.indices_file, line_no),
                         fmt::format("'{}' is not an index", line));
      }
      const auto [it, fresh] = line_of.emplace(out.back(), line_no);
      if (!fresh) {
        throw InputError(fmt::format("{}:{}", o.indices_file, line_no),
                         fmt::format("index {} is already on line {}", out.back(), it->second));
      }
    }
    if (out.empty()) throw InputError(o.indices_file, "lists no indices");
  }
  return out;
}

// Says on stderr what reopening the file cut off (nothing, normally).
void report_recovery(const search::ScanStore& store, const ScanOptions& o) {
  const search::ScanRecovery& r = store.recovery();
  if (o.common.quiet) return;
  if (r.damaged_bytes > 0) {
    fmt::print(stderr,
               "naswot: {}:{}: {}; moved {} bytes from there on to {}.damaged, they will be "
               "scored again\n",
               o.out, r.damaged_line, r.damage, r.damaged_bytes, o.out);
  } else if (r.torn_bytes > 0 && o.common.verbose) {
    fmt::print(stderr, "naswot: {}: cut a torn last line ({} bytes) left by an interrupted scan\n",
               o.out, r.torn_bytes);
  }
}

int run_scan(const ScanOptions& o) {
  Context ctx = load_context(o.common);
  const std::vector<std::int64_t> indices = indices_to_scan(o, ctx);
  // Resolve every architecture before writing anything, so bad indices fail up front.
  std::vector<spaces::Arch> archs;
  for (std::int64_t i : indices) archs.push_back(resolve_arch(ctx, "", i));
  search::ScanStore store(o.out);
  report_recovery(store, o);
  // A resumed file must have been made over the same indexing (space, table) as this run.
  for (std::size_t k = 0; k < indices.size(); ++k) {
    const auto stored = store.arch_of(indices[k]);
    if (stored && *stored != ctx.space->format(archs[k])) {
      throw InputError(o.out,
                       fmt::format("row {} holds {}, but index {} is {} here; was the file "
                                   "scanned with another --space or --bench?",
                                   indices[k], *stored, indices[k], ctx.space->format(archs[k])));
    }
  }
  search::ScorePool pool(*ctx.space, ctx.scorer, {o.common.jobs, o.common.threads});
  const Tensor batch = ctx.data.batch(o.common.batch_size, ctx.batch_mode, o.common.seed);
  ProgressLine progress("scan", o.common.quiet);
  const auto start = std::chrono::steady_clock::now();
  std::int64_t todo = 0, done = 0;
  for (std::int64_t i : indices) todo += store.done().count(i) ? 0 : 1;
  const std::int64_t skipped = static_cast<std::int64_t>(indices.size()) - todo;
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // Work in chunks of a few networks per worker, appending each chunk in index order, so a
  // kill loses at most one chunk and the file never has gaps.
  const std::size_t chunk = 4 * static_cast<std::size_t>(pool.jobs());
  std::vector<std::size_t> pending;
  for (std::size_t k = 0; k < indices.size(); ++k) {
    if (!store.done().count(indices[k])) pending.push_back(k);
  }
  for (std::size_t first = 0; first < pending.size(); first += chunk) {
    const std::size_t n = std::min(chunk, pending.size() - first);
    std::vector<spaces::Arch> work;
    for (std::size_t j = 0; j < n; ++j) work.push_back(archs[pending[first + j]]);
    const auto results = pool.score(work, batch, weight_seed(o.common), [&](std::int64_t finished) {
      progress.update({done + finished, todo, elapsed()});
    });
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t k = pending[first + j];
      const std::string text = ctx.space->format(archs[k]);
      store.append({indices[k], text, results[j].score, results[j].n_units, results[j].seconds});
      if (o.common.verbose && !o.common.quiet) {
        fmt::print(stderr, "{} {} {}\n", indices[k], text, search::format_score(results[j].score));
      }
    }
    done += static_cast<std::int64_t>(n);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.common.json) {
    fmt::print(
        "{}\n",
        nlohmann::json{{"out", o.out}, {"scored", done}, {"skipped", skipped}, {"seconds", secs}}
            .dump());
  } else if (!o.common.quiet) {
    fmt::print(stderr, "scanned {} networks in {:.1f} s ({} already in {})\n", done, secs, skipped,
               o.out);
  }
  return 0;
}

}  // namespace

Command add_scan_command(CLI::App& app) {
  auto o = std::make_shared<ScanOptions>();
  CLI::App* sub = app.add_subcommand("scan", "score many architectures into a CSV (resumable)");
  add_common_options(*sub, o->common);
  sub->add_flag("--all", o->all, "every architecture (of the table, or of the space)");
  sub->add_option("--range", o->range, "indices A..B-1, as A:B");
  sub->add_option("--indices", o->indices_file, "file with one index per line");
  sub->add_option("--bench", o->common.bench,
                  "benchmark table: indices are its `index` column (row positions without one)");
  sub->add_option("--out", o->out, "CSV to write (index,arch,score,n_units,seconds)")->required();
  return [o] { return run_scan(*o); };
}

}  // namespace naswot::cli
