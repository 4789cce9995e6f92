// Writes a file so that readers see either the old file or the complete new one, never a
// half-written one: the text goes to a temporary file in the same directory, is flushed and
// fsync'd, and is then renamed over the target.
#pragma once

#include <filesystem>
#include <string_view>

namespace naswot {

// Throws InputError naming `path` if the directory is not writable.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

}  // namespace naswot
