#include "spaces/nds_net.h"

#include <fmt/format.h>

#include "naswot/util/error.h"

namespace naswot::spaces {

nlohmann::json parse_nds_net(std::string_view net_json) {
  nlohmann::json net;
  try {
    net = nlohmann::json::parse(net_json);
  } catch (const nlohmann::json::exception& e) {  // syntax, or a number out of range (1e999)
    throw InputError(net_json, fmt::format("not valid JSON ({})", e.what()));
  }
  if (!net.is_object()) throw InputError(net_json, "an NDS net is a JSON object");
  return net;
}

}  // namespace naswot::spaces
