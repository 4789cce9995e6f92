// Parsing of DARTS genotypes (the text and JSON forms of darts.h). The text form is read by
// a small recursive-descent parser over the Python repr of DARTS' Genotype namedtuple:
//   Genotype(normal=[('op', 0), ...], normal_concat=[2, 3] | range(2, 6), reduce=..., ...)
// followed by `C=`, `L=` and `net=` options. Errors quote the text from the offending token on.
// The JSON form is read with nlohmann::json; NDS writes pairs as ["op", input] arrays.
#include "spaces/darts_parse.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "naswot/util/error.h"

namespace naswot::spaces {

namespace {

std::int32_t find_op(std::string_view name) {
  const auto it = std::find(DartsSpace::kOps.begin(), DartsSpace::kOps.end(), name);
  return it == DartsSpace::kOps.end() ? -1
                                      : static_cast<std::int32_t>(it - DartsSpace::kOps.begin());
}

std::string unknown_op(std::string_view name) {
  return fmt::format("unknown op '{}' (known: {})", name, fmt::join(DartsSpace::kOps, ", "));
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class TextParser {
 public:
  explicit TextParser(std::string_view text) : text_(text) {}

  DartsGenotype parse(DartsGenotype g) {
    if (!word("Genotype")) expected("'Genotype('");
    expect('(');
    bool seen[4] = {false, false, false, false};
    static constexpr std::string_view kFields[4] = {"normal", "normal_concat", "reduce",
                                                    "reduce_concat"};
    if (!consume(')')) {
      while (true) {
        const std::size_t at = skip_ws();
        const std::string_view name = identifier("a field name");
        const auto f = std::find(std::begin(kFields), std::end(kFields), name) - kFields;
        if (f == 4) {
          pos_ = at;
          fail(fmt::format("unknown field at {} (fields: {})", here(), fmt::join(kFields, ", ")));
        }
        if (seen[f]) fail(fmt::format("field '{}' is given twice", name));
        seen[f] = true;
        expect('=');
        DartsCell& cell = f < 2 ? g.normal : g.reduce;
        if (f % 2 == 0) {
          cell.ops = pairs();
        } else {
          cell.concat = states();
        }
        if (consume(',')) {
          if (consume(')')) break;
          continue;
        }
        expect(')');
        break;
      }
    }
    for (int f = 0; f < 4; ++f) {
      if (!seen[f]) fail(fmt::format("missing field '{}'", kFields[f]));
    }
    options(g);
    return g;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const { throw InputError(text_, problem); }
  [[noreturn]] void expected(std::string_view what) const {
    fail(fmt::format("expected {} at {}", what, here()));
  }

  // The text from the current position, as an error locates a token.
  [[nodiscard]] std::string here() const {
    if (pos_ >= text_.size()) return "end of text";
    constexpr std::size_t kShown = 24;
    const std::string_view rest = text_.substr(pos_);
    return fmt::format("'{}{}'", rest.substr(0, kShown), rest.size() > kShown ? "..." : "");
  }

  std::size_t skip_ws() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return pos_;
  }
  bool consume(char c) {
    skip_ws();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!consume(c)) expected(fmt::format("'{}'", c));
  }
  // Consumes `w` if it is the next whole word.
  bool word(std::string_view w) {
    skip_ws();
    const std::size_t end = pos_ + w.size();
    if (text_.substr(pos_, w.size()) != w || (end < text_.size() && is_word_char(text_[end])))
      return false;
    pos_ = end;
    return true;
  }
  std::string_view identifier(std::string_view what) {
    const std::size_t start = skip_ws();
    while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
    if (pos_ == start) expected(what);
    return text_.substr(start, pos_ - start);
  }
  std::int64_t integer(std::string_view what) {
    const std::size_t start = skip_ws();
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    const std::size_t digits = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (pos_ == digits || (pos_ < text_.size() && is_word_char(text_[pos_]))) {
      pos_ = start;
      expected(what);
    }
    const std::string_view token = text_.substr(start, pos_ - start);
    if (pos_ - digits > 9) fail(fmt::format("number '{}' is too large", token));
    return std::stoll(std::string(token));
  }
  std::string_view quoted(std::string_view what) {
    skip_ws();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) expected(what);
    const char quote = text_[pos_];
    const std::size_t start = pos_ + 1, end = text_.find(quote, start);
    if (end == std::string_view::npos) expected(fmt::format("a closing {}", quote));
    pos_ = end + 1;
    return text_.substr(start, end - start);
  }

  // [('op', 0), ('op', 1), ...] with tuples or lists, optional trailing commas.
  std::vector<std::pair<std::int32_t, std::int32_t>> pairs() {
    std::vector<std::pair<std::int32_t, std::int32_t>> out;
    expect('[');
    while (!consume(']')) {
      char close = ')';
      if (consume('[')) {
        close = ']';
      } else if (!consume('(')) {
        expected("an (op, input) pair");
      }
      const std::size_t at = skip_ws();
      const std::string_view name = quoted("a quoted op name");
      const std::int32_t op = find_op(name);
      if (op < 0) {
        pos_ = at;
        fail(unknown_op(name));
      }
      expect(',');
      const std::int64_t input = integer("an input state");
      consume(',');
      expect(close);
      out.emplace_back(op, static_cast<std::int32_t>(input));
      if (!consume(',')) {
        expect(']');
        break;
      }
    }
    return out;
  }

  // [2, 3, 4], (2, 3, 4) or range(a, b) / range(b).
  std::vector<std::int32_t> states() {
    std::vector<std::int32_t> out;
    if (word("range")) {
      expect('(');
      std::int64_t first = integer("a range bound");
      std::int64_t last = first;
      if (consume(',')) {
        last = integer("a range bound");
      } else {
        first = 0;
      }
      expect(')');
      if (last - first > DartsSpace::kMaxNodes + 2)
        fail(fmt::format("range({}, {}) is longer than any cell", first, last));
      for (std::int64_t s = first; s < last; ++s) out.push_back(static_cast<std::int32_t>(s));
      return out;
    }
    char close = ']';
    if (consume('(')) {
      close = ')';
    } else if (!consume('[')) {
      expected("a list of states or range(a, b)");
    }
    while (!consume(close)) {
      out.push_back(static_cast<std::int32_t>(integer("a state")));
      if (!consume(',')) {
        expect(close);
        break;
      }
    }
    return out;
  }

  // C=<width> L=<cells> net=cifar|imagenet, any order, each at most once.
  void options(DartsGenotype& g) {
    bool seen_c = false, seen_l = false, seen_net = false;
    while (skip_ws() < text_.size()) {
      const std::size_t at = pos_;
      const std::string_view key = identifier("an option C=, L= or net=");
      bool* seen = key == "C" ? &seen_c : key == "L" ? &seen_l : key == "net" ? &seen_net : nullptr;
      if (seen == nullptr) {
        pos_ = at;
        fail(fmt::format("unknown option at {} (options: C=, L=, net=)", here()));
      }
      if (*seen) fail(fmt::format("option {}= is given twice", key));
      *seen = true;
      expect('=');
      if (key == "C") {
        g.channels = integer("a width");
      } else if (key == "L") {
        g.cells = integer("a number of cells");
      } else {
        const std::size_t value_at = skip_ws();
        const std::string_view net = identifier("cifar or imagenet");
        if (net != "cifar" && net != "imagenet") {
          pos_ = value_at;
          expected("cifar or imagenet");
        }
        g.net = net == "imagenet" ? DartsNet::kImageNet : DartsNet::kCifar;
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// --- JSON ------------------------------------------------------------------------------------

using nlohmann::json;

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  DartsGenotype parse(DartsGenotype g) {
    json j;
    try {
      j = json::parse(text_);
    } catch (const json::exception& e) {  // syntax, or a number out of range (1e999)
      fail(fmt::format("not valid JSON ({})", e.what()));
    }
    if (!j.is_object()) fail("the JSON is not an object (an NDS net or a genotype)");
    const json& genotype = j.contains("genotype") ? j.at("genotype") : j;
    if (!genotype.is_object()) fail("\"genotype\" is not an object");
    g.normal.ops = pairs(genotype, "normal");
    g.normal.concat = states(genotype, "normal_concat");
    g.reduce.ops = pairs(genotype, "reduce");
    g.reduce.concat = states(genotype, "reduce_concat");
    if (j.contains("width")) g.channels = integer(j.at("width"), "\"width\"");
    if (j.contains("depth")) g.cells = integer(j.at("depth"), "\"depth\"");
    if (j.contains("imagenet")) {
      if (!j.at("imagenet").is_boolean()) fail("\"imagenet\" is not true or false");
      g.net = j.at("imagenet").get<bool>() ? DartsNet::kImageNet : DartsNet::kCifar;
    }
    return g;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const { throw InputError(text_, problem); }

  const json& field(const json& genotype, const char* name) const {
    if (!genotype.contains(name)) fail(fmt::format("the genotype has no \"{}\"", name));
    return genotype.at(name);
  }

  std::int64_t integer(const json& v, std::string_view what) const {
    if (!v.is_number_integer()) fail(fmt::format("{} is not an integer: {}", what, v.dump()));
    const auto value = v.get<std::int64_t>();
    if (value < -1'000'000'000 || value > 1'000'000'000)
      fail(fmt::format("{} is too large: {}", what, value));
    return value;
  }

  std::vector<std::pair<std::int32_t, std::int32_t>> pairs(const json& genotype,
                                                           const char* name) const {
    const json& list = field(genotype, name);
    if (!list.is_array()) fail(fmt::format("\"{}\" is not a list of [op, input] pairs", name));
    std::vector<std::pair<std::int32_t, std::int32_t>> out;
    for (std::size_t k = 0; k < list.size(); ++k) {
      const json& pair = list[k];
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string()) {
        fail(fmt::format("{}[{}] is not an [op, input] pair: {}", name, k, pair.dump()));
      }
      const auto op_name = pair[0].get<std::string>();
      const std::int32_t op = find_op(op_name);
      if (op < 0) fail(unknown_op(op_name));
      out.emplace_back(op, static_cast<std::int32_t>(
                               integer(pair[1], fmt::format("the input of {}[{}]", name, k))));
    }
    return out;
  }

  std::vector<std::int32_t> states(const json& genotype, const char* name) const {
    const json& list = field(genotype, name);
    if (!list.is_array()) fail(fmt::format("\"{}\" is not a list of states", name));
    std::vector<std::int32_t> out;
    for (std::size_t k = 0; k < list.size(); ++k)
      out.push_back(static_cast<std::int32_t>(integer(list[k], fmt::format("{}[{}]", name, k))));
    return out;
  }

  std::string_view text_;
};

}  // namespace

DartsGenotype parse_darts(std::string_view text, const DartsGenotype& defaults) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') {
    try {
      return JsonParser(text).parse(defaults);
    } catch (const nlohmann::json::exception& e) {  // a value of an unexpected type or range
      throw InputError(text, fmt::format("bad JSON value ({})", e.what()));
    }
  }
  return TextParser(text).parse(defaults);
}

}  // namespace naswot::spaces
