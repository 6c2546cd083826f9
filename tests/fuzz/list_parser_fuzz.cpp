// Fuzz target for the LIST output parser (style practice 12). With clang and -DSIM7080_FUZZ=ON
// it links libFuzzer; otherwise replay_main.cpp runs the seed corpus in
// tests/fuzz/corpus/list_parser/ under ctest.
//
// Invariants checked, not just "no crash", for two values of `now` (one on Feb 29):
// - every entry's raw is a substring of the input, in input order, holds no LF and is at most
//   max_list_line_bytes long;
// - an unknown entry has name == raw and neither size nor date;
// - a recognised entry has a non-empty name that is a substring of its raw line;
// - parsing a line is a function of the line: parse_list_line(raw) gives the same entry again.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ftp/list_parser.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool same(const sim7080::ListEntry& a, const sim7080::ListEntry& b) {
  return a.kind == b.kind && a.name == b.name && a.size_bytes == b.size_bytes && a.modified == b.modified &&
         a.raw == b.raw;
}

void run(std::string_view input, std::chrono::sys_seconds now) {
  using sim7080::ListEntry;
  const auto entries = sim7080::ftp::parse_list(input, now);
  std::size_t pos = 0;
  for (const auto& e : entries) {
    check(!e.raw.empty());
    check(e.raw.size() <= sim7080::ftp::max_list_line_bytes);
    check(e.raw.find('\n') == std::string::npos);
    const auto at = input.find(e.raw, pos);
    check(at != std::string_view::npos);
    pos = at + e.raw.size();
    if (e.kind == ListEntry::Kind::unknown) {
      check(e.name == e.raw);
      check(!e.size_bytes && !e.modified);
    } else {
      check(!e.name.empty());
      check(e.raw.find(e.name) != std::string::npos);
      check(same(sim7080::ftp::parse_list_line(e.raw, now), e));
    }
  }
}

}  // namespace

// The fuzz preset builds with -fsanitize=undefined but lets UBSan recover; a finding must stop
// the run (and become a crash input) instead of scrolling by.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace std::chrono;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  run(input, sys_days{year{2021} / 3 / 20} + hours{12});
  run(input, sys_days{year{2024} / 2 / 29});
  return 0;
}
