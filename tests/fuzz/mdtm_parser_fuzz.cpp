// Fuzz target for the AT+FTPMDTM timestamp parser (style practice 12). With clang and
// -DSIM7080_FUZZ=ON it links libFuzzer; otherwise replay_main.cpp runs the seed corpus in
// tests/fuzz/corpus/mdtm_parser/ under ctest.
//
// Invariants checked, not just "no crash":
// - a parsed input is 14 digits plus an optional `.digits` fraction, optionally in quotes;
// - format_iso8601 gives `YYYY-MM-DDThh:mm:ssZ` (20 characters for these years);
// - the value round-trips: the formatted digits parse back to the same instant, and equal the
//   input's 14 digits unless the input named a leap second (ss = 60).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ftp/mdtm_parser.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

// The fuzz preset builds with -fsanitize=undefined but lets UBSan recover; a finding must stop
// the run (and become a crash input) instead of scrolling by.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto t = sim7080::ftp::parse_mdtm(input);
  if (!t) return 0;

  if (input.size() >= 2 && input.front() == '"') input = input.substr(1, input.size() - 2);
  check(input.size() >= 14);
  for (std::size_t i = 0; i < 14; ++i) check(is_digit(input[i]));
  if (input.size() > 14) {
    check(input[14] == '.' && input.size() > 15);
    for (std::size_t i = 15; i < input.size(); ++i) check(is_digit(input[i]));
  }

  const std::string iso = sim7080::ftp::format_iso8601(*t);
  const std::string_view shape = "dddd-dd-ddTdd:dd:ddZ";
  // A leap second on 9999-12-31 rolls into year 10000, one digit more.
  if (iso.size() == shape.size()) {
    for (std::size_t i = 0; i < shape.size(); ++i) check(shape[i] == 'd' ? is_digit(iso[i]) : iso[i] == shape[i]);
  }
  std::string digits;
  for (char c : iso) {
    if (is_digit(c)) digits += c;
  }
  if (digits.size() == 14) {
    const auto again = sim7080::ftp::parse_mdtm(digits);
    check(again.has_value() && *again == *t);
  }
  const bool leap_second = input.substr(12, 2) == "60";
  if (!leap_second) check(digits == input.substr(0, 14));
  return 0;
}
