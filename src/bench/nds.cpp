#include "naswot/bench/nds.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "naswot/util/error.h"

namespace naswot::bench {

namespace {

using nlohmann::json;

json read_json(const std::filesystem::path& path) {
  const std::string source = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(source, "no such file");
  if (std::filesystem::is_directory(path, ec)) throw InputError(source, "is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(source, "cannot open file");
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    throw InputError(source, fmt::format("not valid JSON (byte {})", e.byte));
  } catch (const json::exception& e) {  // e.g. a number out of range (1e999)
    throw InputError(source, fmt::format("not valid JSON ({})", e.what()));
  }
}

// The entries in reference order: the root list, or top followed by mid.
std::vector<const json*> entries_of(const json& root, const std::string& source) {
  std::vector<const json*> out;
  auto add_all = [&](const json& list, std::string_view what) {
    if (!list.is_array()) throw InputError(source, fmt::format("{} is not a list", what));
    for (const json& e : list) out.push_back(&e);
  };
  if (root.is_object() && root.contains("top") && root.contains("mid")) {
    add_all(root["top"], "\"top\"");
    add_all(root["mid"], "\"mid\"");
  } else if (root.is_array()) {
    add_all(root, "the root");
  } else {
    throw InputError(source, "expected a list of entries or an object with \"top\" and \"mid\"");
  }
  if (out.empty()) throw InputError(source, "no entries");
  return out;
}

std::string number_text(const json& entry, const char* key) {
  if (!entry.is_object() || !entry.contains(key) || !entry[key].is_number()) return "";
  return fmt::format("{}", entry[key].get<double>());
}

}  // namespace

Table read_nds_json(const std::filesystem::path& path, const NdsArchKey& arch_key) {
  const std::string source = path.string();
  const json root = read_json(path);
  const std::vector<const json*> entries = entries_of(root, source);
  std::vector<std::vector<std::string>> rows;
  rows.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const json& e = *entries[i];
    const std::string where = fmt::format("{}:entry {}", source, i);
    if (!e.is_object() || !e.contains("net") || !e["net"].is_object())
      throw InputError(where, "has no \"net\" object");
    const json* errors = e.contains("test_ep_top1") ? &e["test_ep_top1"] : nullptr;
    if (errors == nullptr || !errors->is_array() || errors->empty() || !errors->back().is_number())
      throw InputError(where, "has no numeric \"test_ep_top1\" list");
    std::string arch;
    try {
      arch = arch_key(e["net"].dump());
    } catch (const InputError& err) {
      throw InputError(where, err.what());
    }
    const std::string min_err = number_text(e, "min_test_top1");
    rows.push_back({std::to_string(i), std::move(arch),
                    fmt::format("{}", 100.0 - errors->back().get<double>()),
                    min_err.empty() ? "" : fmt::format("{}", 100.0 - std::stod(min_err)),
                    number_text(e, "params"), number_text(e, "flops")});
  }
  return Table::from_rows(source, {"index", "arch", "test_acc", "min_test_acc", "params", "flops"},
                          std::move(rows));
}

}  // namespace naswot::bench
