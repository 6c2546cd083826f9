// Replays a fuzz target's corpus without libFuzzer (style practice 12, after fmt's
// FMT_FUZZ_LINKMAIN): runs LLVMFuzzerTestOneInput once on every file of the directories (or
// files) named on the command line, or of SIM7080_FUZZ_CORPUS_DIR/<target> when none are,
// prints how many inputs ran and fails if there were none. A broken invariant aborts inside
// the target, so ctest reports it with the sanitizers' stack trace.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

#ifndef SIM7080_FUZZ_CORPUS_DIR
#error "SIM7080_FUZZ_CORPUS_DIR must name tests/fuzz/corpus"
#endif
#ifndef SIM7080_FUZZ_CORPUS_NAME
#error "SIM7080_FUZZ_CORPUS_NAME must name the target's corpus folder"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

bool collect(const fs::path& arg, std::vector<fs::path>& files) {
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) {
    files.push_back(arg);
    return true;
  }
  if (!fs::is_directory(arg, ec)) {
    std::fprintf(stderr, "replay: %s: not a file or directory\n", arg.string().c_str());
    return false;
  }
  std::vector<fs::path> found;
  for (const auto& entry : fs::recursive_directory_iterator(arg, ec)) {
    if (entry.is_regular_file()) found.push_back(entry.path());
  }
  if (ec) {
    std::fprintf(stderr, "replay: %s: %s\n", arg.string().c_str(), ec.message().c_str());
    return false;
  }
  std::sort(found.begin(), found.end());  // a stable order makes failures reproducible
  files.insert(files.end(), found.begin(), found.end());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> roots;
  for (int i = 1; i < argc; ++i) roots.emplace_back(argv[i]);
  if (roots.empty()) roots.emplace_back(fs::path(SIM7080_FUZZ_CORPUS_DIR) / SIM7080_FUZZ_CORPUS_NAME);

  std::vector<fs::path> files;
  bool ok = true;
  for (const auto& root : roots) ok = collect(root, files) && ok;

  std::size_t ran = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "replay: cannot read %s\n", file.string().c_str());
      ok = false;
      continue;
    }
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    // An exactly-sized heap block, so ASan catches a read one past the input.
    const std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
    // Named before it runs, so the input behind an abort is the last one listed.
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.string().c_str(), input.size());
    LLVMFuzzerTestOneInput(input.data(), input.size());
    ++ran;
  }

  std::printf("replay: %zu input%s from", ran, ran == 1 ? "" : "s");
  for (const auto& root : roots) std::printf(" %s", root.string().c_str());
  std::printf("\n");
  if (ran == 0) {
    std::fprintf(stderr, "replay: no inputs: an empty corpus tests nothing\n");
    return 1;
  }
  return ok ? 0 : 1;
}
