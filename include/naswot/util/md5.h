// MD5 (RFC 1321) of a byte string, as lowercase hex. Used for NAS-Bench-101's module hash,
// whose graph fingerprint is built from MD5 digests (../shared/docs/spaces.md §2.2); not for
// anything security-related.
#pragma once

#include <string>
#include <string_view>

namespace naswot {

// The 32-character lowercase hex digest of `bytes`. Thread-safe (pure function).
[[nodiscard]] std::string md5_hex(std::string_view bytes);

}  // namespace naswot
