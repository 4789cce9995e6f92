// Internal to the darts space: the text/JSON parser (darts_parse.cpp) and the validity rules
// (darts.cpp) that parse() and the gene accessors share.
#pragma once

#include <string_view>

#include "naswot/spaces/darts.h"

namespace naswot::spaces {

// Parses the DARTS Genotype text (with optional C=/L=/net= options) or, for text starting
// with '{', an NDS net or genotype JSON object (darts.h). Absent widths and depths take
// `defaults`' values. Throws InputError(text, problem) on syntax errors and unknown ops; does
// not check the structure (validate_darts does).
[[nodiscard]] DartsGenotype parse_darts(std::string_view text, const DartsGenotype& defaults);

// The first rule the genotype breaks, as a message for InputError; empty when valid.
[[nodiscard]] std::string darts_problem(const DartsGenotype& g);

}  // namespace naswot::spaces
