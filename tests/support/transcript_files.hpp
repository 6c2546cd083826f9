#pragma once
// The `.at` files of tests/transcripts/, for the tests that walk all of them.
#include <filesystem>
#include <string>
#include <vector>

namespace sim7080::test {

// Every `.at` file in SIM7080_TRANSCRIPT_DIR, sorted by name.
std::vector<std::filesystem::path> transcript_files();
// A file's whole content ("" if it cannot be read).
std::string read_text(const std::filesystem::path& path);

}  // namespace sim7080::test
