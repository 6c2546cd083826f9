// Fuzz target for at::Tokenizer (style practices 2, 3 and 12).
//
// Input layout: byte 0 chooses the set-up, the rest is what the modem sends.
//   bits 0-2  arming, value % 5: 0 none, 1 +FTPGET: 2,<n> counted (max 1460),
//             2 +FTPLIST: 2,<n> counted (max 1460), 3 +FTPEXTGET: 3,<n> counted (max 327680),
//             4 +FTPETGET: 1,1 transparent (DLE/ETX)
//   bits 3-5  echo, value % 6: none, AT+FTPGET=2,1460, AT+FTPLIST=2,1460, AT+FTPEXTGET=3,0,4,
//             AT+FTPETGET=1, AT+CFUN=1,1
//   bit 7     small line limit (64 bytes instead of the default 1024), to reach overflow cheaply
// The rest is fed whole, byte by byte, and in chunks whose sizes derive from a hash of the
// input. Checked, not just "no crash":
//   - the three event lists (payload pieces merged, as EventRecorder does) are identical;
//   - buffered_bytes() never exceeds max_line_bytes, after any feed or during any event;
//   - feed() reports every byte consumed;
//   - every payload piece lies inside the chunk being fed (never invented or copied), pieces
//     come in input order without overlap, a counted payload delivers exactly its announced
//     length, payload bytes appear only between payload_begin and payload_end, and an armed
//     rule announces at most one payload (none when nothing is armed).
// tests/fuzz/corpus/tokenizer/ holds the seeds (spec §4.2 examples and friends).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "at/event.hpp"
#include "at/payload_rule.hpp"
#include "at/tokenizer.hpp"
#include "support/event_recorder.hpp"
#include "support/split_feed.hpp"

namespace {

using sim7080::at::Event;
using sim7080::at::EventKind;
using sim7080::at::PayloadRule;
using sim7080::at::Tokenizer;
using sim7080::at::TokenizerLimits;

constexpr std::array<std::optional<PayloadRule>, 5> kArmings{{
    std::nullopt,
    PayloadRule{"+FTPGET", "2", PayloadRule::Mode::counted, 1460},
    PayloadRule{"+FTPLIST", "2", PayloadRule::Mode::counted, 1460},
    PayloadRule{"+FTPEXTGET", "3", PayloadRule::Mode::counted, 327680},
    PayloadRule{"+FTPETGET", "1", PayloadRule::Mode::transparent, 0},
}};

constexpr std::array<std::string_view, 6> kEchoes{
    "", "AT+FTPGET=2,1460", "AT+FTPLIST=2,1460", "AT+FTPEXTGET=3,0,4", "AT+FTPETGET=1", "AT+CFUN=1,1"};

constexpr std::size_t kSmallLineLimit = 64;
constexpr auto kDle = std::byte{0x10};
constexpr auto kEtx = std::byte{0x03};

struct Setup {
  std::optional<PayloadRule> rule;
  std::string_view echo;
  TokenizerLimits limits;
};

Setup setup_from(std::uint8_t b) {
  Setup s;
  s.rule = kArmings[(b & 0x07u) % kArmings.size()];
  s.echo = kEchoes[((b >> 3) & 0x07u) % kEchoes.size()];
  if ((b & 0x80u) != 0) s.limits.max_line_bytes = kSmallLineLimit;
  return s;
}

[[noreturn]] void fail(const char* what, int line) {
  std::fprintf(stderr, "tokenizer_fuzz.cpp:%d: invariant broken: %s\n", line, what);
  std::abort();
}

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) fail(#cond, __LINE__); \
  } while (false)

// Checks the per-event invariants, then records the event for the whole-vs-split comparison.
class CheckingSink final : public sim7080::at::EventSink {
 public:
  CheckingSink(const Tokenizer& tokenizer, std::span<const std::byte> input, const Setup& setup)
      : tokenizer_(tokenizer), input_(input), setup_(setup) {}

  void set_chunk(std::span<const std::byte> chunk) { chunk_ = chunk; }

  void on_event(const Event& ev) override {
    FUZZ_CHECK(tokenizer_.buffered_bytes() <= setup_.limits.max_line_bytes);
    switch (ev.kind) {
      case EventKind::payload: on_payload(ev); break;
      case EventKind::payload_begin:
        FUZZ_CHECK(!in_payload_);
        FUZZ_CHECK(setup_.rule.has_value());
        ++payloads_announced_;
        FUZZ_CHECK(payloads_announced_ == 1);  // an armed rule is used once
        in_payload_ = true;
        counted_ = setup_.rule->mode == PayloadRule::Mode::counted;
        FUZZ_CHECK(counted_ || ev.length == 0);
        FUZZ_CHECK(!counted_ || ev.length <= setup_.rule->max_length);
        remaining_ = ev.length;
        first_piece_ = true;
        break;
      case EventKind::payload_end:
        FUZZ_CHECK(in_payload_);
        FUZZ_CHECK(!counted_ || remaining_ == 0);
        in_payload_ = false;
        break;
      default:
        FUZZ_CHECK(!in_payload_);  // nothing but payload bytes between begin and end
        break;
    }
    recorder_.on_event(ev);
  }

  const std::vector<std::string>& events() const { return recorder_.events(); }
  std::string joined() const { return recorder_.joined(); }

 private:
  void on_payload(const Event& ev) {
    FUZZ_CHECK(in_payload_);
    FUZZ_CHECK(!ev.bytes.empty());
    // The piece must be a view of the bytes being fed: the tokenizer never invents payload.
    const auto* first = ev.bytes.data();
    const auto* last = first + ev.bytes.size();
    FUZZ_CHECK(first >= chunk_.data() && last <= chunk_.data() + chunk_.size());
    const auto offset = static_cast<std::size_t>(first - input_.data());
    FUZZ_CHECK(offset >= next_offset_);  // in order, each input byte delivered at most once
    if (counted_) {
      // Counted: one contiguous run of the input, exactly as long as announced.
      FUZZ_CHECK(first_piece_ || offset == next_offset_);
      FUZZ_CHECK(ev.bytes.size() <= remaining_);
      remaining_ -= ev.bytes.size();
    } else {
      // Transparent: the input minus the DLEs (§4.3). A piece is either one escaped byte right
      // after a DLE, or a run without DLE/ETX; only a DLE is ever skipped between pieces.
      const bool escaped = ev.bytes.size() == 1 && offset > 0 && input_[offset - 1] == kDle &&
                           (first_piece_ || offset == next_offset_ + 1);
      if (!escaped) {
        FUZZ_CHECK(first_piece_ || offset == next_offset_);
        for (auto b : ev.bytes) FUZZ_CHECK(b != kDle && b != kEtx);
      }
    }
    next_offset_ = offset + ev.bytes.size();
    first_piece_ = false;
  }

  const Tokenizer& tokenizer_;
  std::span<const std::byte> input_;
  const Setup& setup_;
  std::span<const std::byte> chunk_;
  sim7080::test::EventRecorder recorder_;
  bool in_payload_ = false;
  bool counted_ = false;
  bool first_piece_ = false;
  std::uint64_t remaining_ = 0;
  std::size_t next_offset_ = 0;
  int payloads_announced_ = 0;
};

enum class Split { whole, bytewise, hashed };

std::uint64_t fnv1a(std::span<const std::byte> bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (auto b : bytes) {
    h ^= static_cast<std::uint64_t>(b);
    h *= 1099511628211ull;
  }
  return h;
}

std::vector<std::string> run(std::span<const std::byte> input, const Setup& setup, Split split) {
  Tokenizer tokenizer(setup.limits);
  if (!setup.echo.empty()) tokenizer.expect_echo(setup.echo);
  if (setup.rule) tokenizer.arm_payload(*setup.rule);
  CheckingSink sink(tokenizer, input, setup);

  const sim7080::test::Feed feed = [&](std::span<const std::byte> chunk) {
    sink.set_chunk(chunk);
    FUZZ_CHECK(tokenizer.feed(chunk, sink) == chunk.size());
    FUZZ_CHECK(tokenizer.buffered_bytes() <= setup.limits.max_line_bytes);
  };
  switch (split) {
    case Split::whole:
      if (!input.empty()) feed(input);
      break;
    case Split::bytewise:
      sim7080::test::feed_in_pieces(input, {1}, feed);
      break;
    case Split::hashed: {
      const auto h = fnv1a(input);
      const auto seed = static_cast<std::uint32_t>(h);
      const auto max_piece = static_cast<std::size_t>(1 + (h >> 32) % 67);
      sim7080::test::feed_in_random_chunks(input, seed, max_piece, feed);
      break;
    }
  }
  return sink.events();
}

void compare(const std::vector<std::string>& whole, const std::vector<std::string>& other, const char* name) {
  if (whole == other) return;
  std::string a;
  std::string b;
  for (const auto& e : whole) a += "  " + e + "\n";
  for (const auto& e : other) b += "  " + e + "\n";
  std::fprintf(stderr, "tokenizer_fuzz: events differ between whole and %s feeding\nwhole:\n%s%s:\n%s", name,
               a.c_str(), name, b.c_str());
  std::abort();
}

}  // namespace

// The fuzz preset builds with -fsanitize=undefined but lets UBSan recover; a finding must stop
// the run (and become a crash input) instead of scrolling by.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Setup setup = setup_from(data[0]);
  // Copy the stream into its own exactly-sized block so ASan flags any read past its end.
  const std::vector<std::byte> stream(reinterpret_cast<const std::byte*>(data) + 1,
                                      reinterpret_cast<const std::byte*>(data) + size);
  const std::span<const std::byte> input(stream);

  const auto whole = run(input, setup, Split::whole);
  compare(whole, run(input, setup, Split::bytewise), "byte-by-byte");
  compare(whole, run(input, setup, Split::hashed), "hashed-chunk");
  return 0;
}
