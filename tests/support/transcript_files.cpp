#include "support/transcript_files.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace sim7080::test {

std::vector<std::filesystem::path> transcript_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(SIM7080_TRANSCRIPT_DIR)) {
    if (e.is_regular_file() && e.path().extension() == ".at") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace sim7080::test
