// Internal to the spaces that read NDS files (darts, anynet): an NDS entry's `net` object as
// JSON, for their from_nds() to look at its kind and apply the file-name rules before parse().
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace naswot::spaces {

// Throws InputError(net_json, ...) unless the text is a JSON object.
[[nodiscard]] nlohmann::json parse_nds_net(std::string_view net_json);

}  // namespace naswot::spaces
