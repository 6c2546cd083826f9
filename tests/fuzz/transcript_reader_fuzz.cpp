// Fuzz target for the `.at` transcript reader (style practice 12). With clang and
// -DSIM7080_FUZZ=ON it links libFuzzer; otherwise a replay main runs the seed corpus in
// tests/fuzz/corpus/transcript_reader/ under ctest.
//
// Invariants checked, not just "no crash":
// - a failed parse names a line within the input and carries a TranscriptErrc;
// - a successful parse round-trips: parse(format(t)) succeeds and equals t, and formatting
//   again gives the same text (format is a fixed point);
// - every entry's wire bytes agree with its kind and payload (`>` payload+CR, `<` CR LF
//   payload CR LF, `>>`/`<<` the payload, `~` nothing), and escaping round-trips.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sim7080/transcript.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

// The fuzz preset builds with -fsanitize=undefined but lets UBSan recover; a finding must stop
// the run (and become a crash input) instead of scrolling by.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tr = sim7080::transcript;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto parsed = tr::parse_transcript(input);
  if (!parsed) {
    check(parsed.error.code.category() == tr::transcript_category());
    check(parsed.error.line >= 1);
    check(!parsed.error.message.empty());
    std::size_t lines = 1;
    for (char c : input) lines += c == '\n' ? 1 : 0;
    check(parsed.error.line <= lines);
    return 0;
  }
  const tr::Transcript& t = *parsed;
  const std::string text = tr::format_transcript(t);
  const auto again = tr::parse_transcript(text);
  check(again.ok());
  check(*again == t);
  check(tr::format_transcript(*again) == text);

  for (const auto& e : t.entries) {
    check(e.line >= 1);
    const std::string wire = tr::wire_bytes(e);
    switch (e.kind) {
      case tr::EntryKind::host_line: check(wire == e.bytes + "\r"); break;
      case tr::EntryKind::host_data:
      case tr::EntryKind::modem_raw: check(wire == e.bytes); break;
      case tr::EntryKind::modem_line: check(wire == "\r\n" + e.bytes + "\r\n"); break;
      case tr::EntryKind::pause: check(wire.empty() && e.bytes.empty() && e.pause.count() >= 0); break;
    }
    if (e.kind != tr::EntryKind::pause) check(e.pause.count() == 0);
    const auto round = tr::unescape_bytes(tr::escape_bytes(e.bytes));
    check(round.has_value() && *round == e.bytes);
  }
  for (const auto& [key, value] : t.headers) {
    check(!key.empty());
    check(t.header(key).has_value());
  }
  return 0;
}
