// NDS benchmark files ("On Network Design Spaces for Visual Recognition", Radosavovic et al.
// 2019): `<Name>.json`, a list of trained networks (or {"top": [...], "mid": [...]}, read as top
// then mid), each entry holding the network config under "net" and per-epoch test errors under
// "test_ep_top1". reference-semantics.md §3.4: index = list position, accuracy = 100 − the last
// epoch's test error.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "naswot/bench/table.h"

namespace naswot::bench {

// The canonical architecture text of one entry's "net" object (given as compact JSON text);
// throws InputError when the space cannot build it. Supplied by the caller (a search space's
// from_nds()).
using NdsArchKey = std::function<std::string(std::string_view net_json)>;

// Reads an NDS file into a table with columns index, arch (arch_key of the entry's "net"),
// test_acc (100 − test_ep_top1[-1]), min_test_acc (100 − min_test_top1, when present), params and
// flops (as the file gives them; empty when absent). Throws InputError naming the file (and the
// entry, "<file>:entry <i>") when it is not JSON, has no entries, or an entry lacks "net" or
// numeric "test_ep_top1", or arch_key rejects its net.
[[nodiscard]] Table read_nds_json(const std::filesystem::path& path, const NdsArchKey& arch_key);

}  // namespace naswot::bench
