// Fuzz target for the command channel and a running FTP transfer (style practices 3, 9, 12):
// the real at::CommandChannel, ftp::OpRunner and operation FSM over a scripted ByteStream and a
// VirtualClock, fed adversarial modem output while the transfer runs. No real time, no I/O.
//
// Input layout (tests/fuzz/make_channel_seeds.py writes seeds in it):
//   byte 0    bits 0-2  the operation, value % 7: 0 get, 1 extget, 2 etget, 3 put, 4 extput,
//                       5 etput, 6 list (ls)
//             bit 3     two setters first (AT+FTPREST=0, AT+FTPGETNAME="f"), as a session does
//             bit 4     small channel: 64-byte line limit, 16-byte reads
//             bit 5     get: the expected size is known (= N below)
//             bit 6     downloads: the sink refuses more than N % 1500 bytes (an error ends it)
//             bit 7     uploads: the source hides its size (a pipe)
//   bytes 1-2 N, little-endian, % 5001: the upload size (uploads) / expected size, sink limit
//   the rest  what the modem sends, with 0xFF as an escape: FF FF is a literal FF byte;
//             FF FE cancels the operation; FF FD makes the port vanish (the pending read fails
//             with TransportErrc::port_vanished); FF b (b < 0x80) advances the virtual clock by
//             b seconds, FF b (0x80 <= b < 0xFD) by (b - 0x80) * 100 ms. Deadlines fire there.
// After the script the clock runs on in 10 s steps until the operation has completed.
//
// Each input runs four times: byte by byte; whole (every run of modem bytes between two
// control points in one write, cut only by the read buffer); and twice with the bytewise run's
// host-write points as extra cuts, once whole and once in hashed random chunks.
// Checked, not just "no crash":
//   - the operation completes exactly once, also when the modem falls silent: no hang (the
//     clock is run past every deadline; then the runner is gone, the channel is idle and no
//     timer is armed);
//   - the result is success or a typed error: a sim7080 category (at, cme, ftp, transport),
//     operation_aborted, or the sink's own error when the sink refused;
//   - every byte run handed to the sink occurs in the modem bytes (for etget: in its escaped
//     form, a DLE before each DLE or ETX and maybe before any byte, as the stream is decoded in
//     place), the runs in input order without overlap (never invented, duplicated or
//     reordered), and none after the completion;
//   - a counted payload (`+FTPGET: 2,n`, `+FTPLIST: 2,n`, `+FTPEXTGET: 3,n`) reaches the FSM as
//     exactly n bytes; a successful download delivered exactly the sum of the counted lengths
//     accepted while reading (get, ls, extget; for get with a known size, at least that size),
//     or every stream byte (etget); a successful upload took the whole source;
//   - at most one read and one write are outstanding on the stream, and the bytes of a write
//     stay unchanged until it completes;
//   - memory is bounded: the live heap grows by less than 256 KiB + 8 bytes per input byte
//     during a run (under ASan; libFuzzer's -rss_limit_mb covers the rest);
//   - the result (error code), the delivered bytes and the host's writes are identical byte by
//     byte and cut at the host-write points, whole or in random chunks. Whole feeding without
//     those cuts is not compared: the channel writes no command while it tokenizes a received
//     chunk (so a reply followed by `RDY` in one read is seen before the next command goes
//     out), so a final result code that a modem could only send after hearing the next command
//     lands differently when it arrives in the same read as the previous reply
//     (CHANNEL_FUZZ_COMPARE_WHOLE=1 compares it too, to look at that).
// CHANNEL_FUZZ_TRACE=1 prints each run (modem bytes, host writes, FSM events and actions);
// CHANNEL_FUZZ_SKIP=write_buffer turns the write-buffer check off for a campaign past that
// finding. tests/fuzz/corpus/channel/ holds the seeds: the modem side of
// tests/transcripts/*.at, hand-written conversations, and finding_* inputs (regressions).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "asio/error.hpp"
#include "asio/io_context.hpp"
#include "asio/post.hpp"
#include "at/command_channel.hpp"
#include "at/response_fields.hpp"
#include "ftp/byte_source.hpp"
#include "ftp/config_plan.hpp"
#include "ftp/etget_fsm.hpp"
#include "ftp/etput_fsm.hpp"
#include "ftp/extget_fsm.hpp"
#include "ftp/extput_fsm.hpp"
#include "ftp/fsm.hpp"
#include "ftp/get_fsm.hpp"
#include "ftp/list_fsm.hpp"
#include "ftp/op_runner.hpp"
#include "ftp/put_fsm.hpp"
#include "sim7080/error.hpp"
#include "support/virtual_clock.hpp"
#include "transport/byte_stream.hpp"

// Under ASan the live heap is observable; elsewhere (the replay build) the check is skipped.
extern "C" std::size_t __sanitizer_get_current_allocated_bytes() __attribute__((weak));

namespace {

namespace ftp = sim7080::ftp;
namespace at = sim7080::at;
using sim7080::AtErrc;
using sim7080::TransportErrc;
using namespace std::chrono_literals;

[[noreturn]] void fail(const char* what, int line) {
  std::fprintf(stderr, "channel_fuzz.cpp:%d: invariant broken: %s\n", line, what);
  std::abort();
}

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) fail(#cond, __LINE__); \
  } while (false)

// ---- the input ------------------------------------------------------------------------------

enum class Op : std::uint8_t { get, extget, etget, put, extput, etput, list };
constexpr std::size_t kOps = 7;

struct Config {
  Op op = Op::get;
  bool setters = false;
  bool small = false;
  bool expected_known = false;
  bool sink_limited = false;
  bool hide_size = false;
  std::size_t n = 0;

  bool download() const noexcept { return op == Op::get || op == Op::extget || op == Op::etget || op == Op::list; }
  bool counted() const noexcept { return op == Op::get || op == Op::extget || op == Op::list; }
  std::size_t sink_limit() const noexcept { return n % 1500; }
};

struct Control {
  enum class Kind : std::uint8_t { advance, cancel, vanish };
  std::size_t at = 0;  // applied once the modem bytes before `at` were delivered
  Kind kind = Kind::advance;
  std::chrono::milliseconds by{0};
};

struct Script {
  Config config;
  std::vector<std::byte> modem;
  std::vector<Control> controls;  // in input order, `at` non-decreasing
};

Script parse_input(const std::uint8_t* data, std::size_t size) {
  Script s;
  const std::uint8_t b0 = data[0];
  s.config.op = static_cast<Op>((b0 & 0x07u) % kOps);
  s.config.setters = (b0 & 0x08u) != 0;
  s.config.small = (b0 & 0x10u) != 0;
  s.config.expected_known = (b0 & 0x20u) != 0;
  s.config.sink_limited = (b0 & 0x40u) != 0;
  s.config.hide_size = (b0 & 0x80u) != 0;
  const std::size_t lo = size > 1 ? data[1] : 0;
  const std::size_t hi = size > 2 ? data[2] : 0;
  s.config.n = (lo | (hi << 8)) % 5001;
  s.modem.reserve(size);
  for (std::size_t i = 3; i < size; ++i) {
    if (data[i] != 0xFF) {
      s.modem.push_back(static_cast<std::byte>(data[i]));
      continue;
    }
    if (++i == size) break;  // a lone escape at the end means nothing
    const std::uint8_t c = data[i];
    Control ctl;
    ctl.at = s.modem.size();
    if (c == 0xFF) {
      s.modem.push_back(std::byte{0xFF});
      continue;
    } else if (c == 0xFE) {
      ctl.kind = Control::Kind::cancel;
    } else if (c == 0xFD) {
      ctl.kind = Control::Kind::vanish;
    } else if (c < 0x80) {
      ctl.by = std::chrono::seconds(c);
    } else {
      ctl.by = std::chrono::milliseconds(100 * (c - 0x80));
    }
    s.controls.push_back(ctl);
  }
  s.modem.shrink_to_fit();  // an exactly-sized block: ASan flags a read past the end
  return s;
}

std::uint64_t fnv1a(std::span<const std::byte> bytes, std::uint64_t h = 14695981039346656037ull) {
  for (auto b : bytes) {
    h ^= static_cast<std::uint64_t>(b);
    h *= 1099511628211ull;
  }
  return h;
}

// CHANNEL_FUZZ_TRACE=1 prints what a run does (for reducing and reporting findings).
bool tracing() {
  static const bool on = std::getenv("CHANNEL_FUZZ_TRACE") != nullptr;
  return on;
}

std::string printable(std::span<const std::byte> bytes, std::size_t max = 96) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    }
  }
  if (bytes.size() > max) out += "...";
  return out;
}

// CHANNEL_FUZZ_SKIP=name[,name...] turns the named checks off, so a campaign can go on past a
// finding that is reported and not yet fixed. Names: write_buffer. The replay test sets none.
bool skipped(std::string_view name) {
  static const std::string list = [] {
    const char* v = std::getenv("CHANNEL_FUZZ_SKIP");
    return std::string(v ? v : "");
  }();
  std::string_view rest(list);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    if (rest.substr(0, comma) == name) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

std::size_t live_heap() {
  return __sanitizer_get_current_allocated_bytes ? __sanitizer_get_current_allocated_bytes() : 0;
}

// ---- the fake modem line -----------------------------------------------------------------------

// A ByteStream whose reads the harness completes with the script's bytes, and whose writes
// complete (posted) at once. Records the host's writes as a hash.
class FuzzStream final : public sim7080::transport::ByteStream {
 public:
  explicit FuzzStream(asio::any_io_executor ex) : ex_(std::move(ex)) {}

  asio::any_io_executor get_executor() override { return ex_; }

  void async_read_some(std::span<std::byte> into, sim7080::transport::ReadHandler handler) override {
    FUZZ_CHECK(!read_pending_);  // one read at a time
    FUZZ_CHECK(!into.empty());
    if (vanished_ || !open_) {
      asio::post(ex_, [h = std::move(handler), ec = error()]() mutable { h(ec, 0); });
      return;
    }
    read_pending_ = true;
    read_into_ = into;
    read_handler_ = std::move(handler);
  }

  void async_write(std::span<const std::byte> bytes, sim7080::transport::WriteHandler handler) override {
    FUZZ_CHECK(!write_pending_);  // the channel writes one buffer at a time
    write_pending_ = true;
    write_offsets_.push_back(delivered_);
    if (tracing()) std::fprintf(stderr, "  [modem@%zu] host writes %zu: %s\n", delivered_, bytes.size(), printable(bytes).c_str());
    std::vector<std::byte> copy(bytes.begin(), bytes.end());
    const std::error_code ec = vanished_ || !open_ ? error() : std::error_code{};
    asio::post(ex_, [this, bytes, copy = std::move(copy), h = std::move(handler), ec]() mutable {
      // The buffer must stay valid and unchanged until the completion runs (ByteStream's
      // contract: a real port may still be sending from it).
      if (!std::equal(bytes.begin(), bytes.end(), copy.begin(), copy.end())) {
        if (tracing()) std::fprintf(stderr, "  write buffer changed before its completion: now %s\n", printable(bytes).c_str());
        if (!skipped("write_buffer")) fail("a write's bytes stay unchanged until its completion", __LINE__);
      }
      write_pending_ = false;
      if (!ec) {
        host_hash_ = fnv1a(copy, host_hash_);
        host_bytes_ += copy.size();
      }
      h(ec, ec ? 0 : bytes.size());
    });
  }

  void cancel() override {
    if (!read_pending_) return;
    read_pending_ = false;
    asio::post(ex_, [h = std::move(read_handler_)]() mutable { h(asio::error::operation_aborted, 0); });
    read_handler_ = nullptr;
  }
  void close() override {
    cancel();
    open_ = false;
  }
  bool is_open() const override { return open_; }

  bool read_pending() const noexcept { return read_pending_; }
  // Completes the pending read with up to its buffer's size of `bytes`; returns how many.
  std::size_t deliver(std::span<const std::byte> bytes) {
    if (!read_pending_ || bytes.empty()) return 0;
    const std::size_t n = std::min(bytes.size(), read_into_.size());
    std::memcpy(read_into_.data(), bytes.data(), n);
    if (tracing()) std::fprintf(stderr, "  [modem@%zu] modem sends %zu: %s\n", delivered_, n, printable(bytes.first(n)).c_str());
    read_pending_ = false;
    delivered_ += n;
    asio::post(ex_, [h = std::move(read_handler_), n]() mutable { h(std::error_code{}, n); });
    read_handler_ = nullptr;
    return n;
  }
  void vanish() {
    vanished_ = true;
    if (!read_pending_) return;
    read_pending_ = false;
    asio::post(ex_, [h = std::move(read_handler_), ec = error()]() mutable { h(ec, 0); });
    read_handler_ = nullptr;
  }

  std::uint64_t host_hash() const noexcept { return host_hash_; }
  std::size_t host_bytes() const noexcept { return host_bytes_; }
  // The modem offset (bytes delivered so far) at each write.
  const std::vector<std::size_t>& write_offsets() const noexcept { return write_offsets_; }

 private:
  std::error_code error() const {
    return vanished_ ? make_error_code(TransportErrc::port_vanished) : std::error_code(asio::error::bad_descriptor);
  }

  asio::any_io_executor ex_;
  bool open_ = true;
  bool vanished_ = false;
  bool read_pending_ = false;
  std::span<std::byte> read_into_;
  sim7080::transport::ReadHandler read_handler_;
  bool write_pending_ = false;
  std::size_t delivered_ = 0;
  std::vector<std::size_t> write_offsets_;
  std::uint64_t host_hash_ = 14695981039346656037ull;
  std::size_t host_bytes_ = 0;
};

// An upload source of a known or hidden size; the bytes include DLE and ETX for etput.
class UploadSource final : public ftp::ByteSource {
 public:
  UploadSource(std::span<const std::byte> data, bool hide_size) : inner_(data), size_(data.size()), hide_(hide_size) {}
  std::error_code read(std::span<std::byte> into, std::size_t& got) override { return inner_.read(into, got); }
  std::optional<std::uint64_t> size() const override {
    if (hide_) return std::nullopt;
    return size_;
  }

 private:
  ftp::MemoryByteSource inner_;
  std::uint64_t size_;
  bool hide_;
};

// ---- what one run observes ---------------------------------------------------------------------

struct Outcome {
  int done_calls = 0;
  std::error_code ec;
  std::string delivered;  // the bytes the sink accepted
  std::uint64_t host_hash = 0;
  std::size_t host_bytes = 0;
};

// Watches the FSM from outside: the events it gets and the actions it returns.
struct Watch {
  const Script* script = nullptr;
  Outcome* outcome = nullptr;
  ftp::SessionOpBase* base = nullptr;
  ftp::ChunkedReadFsm* chunked = nullptr;
  ftp::ExtGetFsm* extget = nullptr;
  ftp::EtGetFsm* etget = nullptr;

  std::size_t match_pos = 0;          // where the next delivered run must be found in the modem bytes
  std::uint64_t delivered_total = 0;  // bytes handed to the sink (accepted or not)
  bool sink_refused = false;
  std::error_code sink_error;
  // Counted payloads.
  std::optional<std::uint64_t> header;  // the count of the payload now arriving
  std::uint64_t payload_bytes = 0;
  std::uint64_t accepted = 0;           // sum of the counts completed while reading
  std::uint64_t stream_bytes = 0;       // etget: stream bytes received while streaming
  bool fsm_done = false;

  // Where the escaped form of `run` starting at modem[i] ends, or 0 if it does not start there.
  static std::size_t match_escaped(const std::vector<std::byte>& modem, std::size_t i,
                                   std::span<const std::byte> run) {
    constexpr auto kDle = std::byte{0x10};
    constexpr auto kEtx = std::byte{0x03};
    for (const std::byte b : run) {
      if (i < modem.size() && modem[i] == kDle) {
        ++i;
      } else if (b == kDle || b == kEtx) {
        return 0;
      }
      if (i >= modem.size() || modem[i] != b) return 0;
      ++i;
    }
    return i;
  }

  bool reading() const {
    if (!base || base->phase() != ftp::SessionOpBase::Phase::running) return false;
    if (chunked) return chunked->state() == ftp::ChunkedReadFsm::State::reading;
    if (extget) return extget->state() == ftp::ExtGetFsm::State::reading;
    return false;
  }
  bool streaming() const {
    return etget && base->phase() == ftp::SessionOpBase::Phase::running &&
           etget->state() == ftp::EtGetFsm::State::streaming;
  }

  void before(const ftp::Event& ev) {
    switch (ev.type) {
      case ftp::EventType::reply_line: {
        header.reset();
        payload_bytes = 0;
        if (!reading()) break;
        const auto f = at::parse_response(ev.line);
        const std::string_view first = extget ? "3" : "2";
        if (f && f->count == 2 && f->fields[0] == first) header = f->number(1);
        break;
      }
      case ftp::EventType::payload:
        if (streaming()) stream_bytes += ev.bytes.size();
        if (script->config.counted() && reading()) {
          FUZZ_CHECK(header.has_value());  // counted bytes come only after their header
          payload_bytes += ev.bytes.size();
          FUZZ_CHECK(payload_bytes <= *header);
        }
        break;
      case ftp::EventType::payload_end:
        if (script->config.counted() && reading() && header) {
          FUZZ_CHECK(payload_bytes == *header);  // exactly the announced count
          accepted += payload_bytes;
        }
        header.reset();
        break;
      case ftp::EventType::command_done:
        header.reset();
        break;
      default:
        break;
    }
  }

  void after(const ftp::Actions& out) {
    for (const auto& a : out) {
      if (a.type == ftp::ActionType::deliver) FUZZ_CHECK(!fsm_done);
      if (a.type == ftp::ActionType::done) {
        FUZZ_CHECK(!fsm_done);  // done is emitted once
        fsm_done = true;
      }
    }
  }

  // The sink: every run of bytes must occur in the modem bytes, in order, without overlap.
  std::error_code deliver(std::span<const std::byte> bytes) {
    FUZZ_CHECK(!bytes.empty());
    FUZZ_CHECK(outcome->done_calls == 0);
    const auto& modem = script->modem;
    std::size_t end = 0;
    if (etget) {
      // A transparent stream is decoded in place: a run is found on the wire with a DLE before
      // each DLE or ETX (and maybe before any other byte: DLE makes the next byte literal).
      std::size_t start = match_pos;
      for (; start < modem.size(); ++start) {
        end = match_escaped(modem, start, bytes);
        if (end != 0) break;
      }
      FUZZ_CHECK(start < modem.size());  // never invented, duplicated or out of order
    } else {
      const auto from = modem.begin() + static_cast<std::ptrdiff_t>(match_pos);
      const auto it = std::search(from, modem.end(), bytes.begin(), bytes.end());
      FUZZ_CHECK(it != modem.end());  // never invented, duplicated or out of order
      end = static_cast<std::size_t>(it - modem.begin()) + bytes.size();
    }
    match_pos = end;
    delivered_total += bytes.size();
    if (script->config.sink_limited) {
      const std::size_t limit = script->config.sink_limit();
      const std::size_t room = limit - std::min(limit, outcome->delivered.size());
      const std::size_t take = std::min(room, bytes.size());
      outcome->delivered.append(reinterpret_cast<const char*>(bytes.data()), take);
      if (take < bytes.size()) {
        sink_refused = true;
        sink_error = std::make_error_code(std::errc::no_space_on_device);
        return sink_error;
      }
      return {};
    }
    outcome->delivered.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return {};
  }
};

class WatchedFsm final : public ftp::Fsm {
 public:
  WatchedFsm(std::unique_ptr<ftp::SessionOpBase> inner, Watch& watch) : inner_(std::move(inner)), watch_(watch) {}
  void resume(const ftp::Event& ev, ftp::Actions& out) override {
    if (tracing()) {
      std::fprintf(stderr, "    fsm %s <- %s %s%s\n", inner_->state_name().c_str(), ftp::to_string(ev.type),
                   std::string(ev.line).c_str(), ev.ec ? (" ec=" + ev.ec.message()).c_str() : "");
    }
    watch_.before(ev);
    const std::size_t first = out.size();
    inner_->resume(ev, out);
    ftp::Actions added;
    for (std::size_t i = first; i < out.size(); ++i) {
      added.push(out[i]);
      if (tracing()) {
        std::fprintf(stderr, "    fsm -> %s %s%s\n", ftp::to_string(out[i].type), std::string(out[i].line).c_str(),
                     out[i].type == ftp::ActionType::done ? (" ec=" + out[i].ec.message()).c_str() : "");
      }
    }
    watch_.after(added);
  }
  std::span<const std::string_view> urc_prefixes() const noexcept override { return inner_->urc_prefixes(); }
  std::string state_name() const override { return inner_->state_name(); }

 private:
  std::unique_ptr<ftp::SessionOpBase> inner_;
  Watch& watch_;
};

bool typed(const std::error_code& ec) {
  if (!ec) return true;
  const auto& c = ec.category();
  return c == sim7080::at_category() || c == sim7080::cme_category() || c == sim7080::ftp_category() ||
         c == sim7080::transport_category() || ec == std::error_code(asio::error::operation_aborted);
}

// ---- one run -------------------------------------------------------------------------------------

enum class Feeding { bytewise, whole, cut_whole, cut_hashed };

constexpr std::size_t kTailSteps = 1000;  // 10 s each: 10 000 s of silence ends anything
constexpr auto kTailStep = 10s;

Outcome run(const Script& s, Feeding feeding, const std::vector<std::size_t>& extra_cuts,
            std::vector<std::size_t>* write_offsets) {
  const Config& cfg = s.config;
  const std::size_t heap_before = live_heap();
  const std::size_t heap_bound = 256 * 1024 + 8 * (s.modem.size() + 3 * s.controls.size());
  Outcome outcome;

  // The upload's bytes: every value, DLE and ETX included, no period that a chunk size shares
  // (a refilled buffer must not look unchanged).
  std::vector<std::byte> upload(cfg.download() ? 0 : cfg.n);
  for (std::size_t i = 0; i < upload.size(); ++i) {
    upload[i] = static_cast<std::byte>(((i + 1) * 2654435761u >> 13) & 0xFF);
  }
  UploadSource source(upload, cfg.hide_size);

  {
    asio::io_context io;
    sim7080::test::VirtualClock clock(io.get_executor());
    FuzzStream stream(io.get_executor());
    at::ChannelOptions options;
    if (cfg.small) {
      options.tokenizer.max_line_bytes = 64;
      options.read_buffer_bytes = 16;
    }
    auto channel = std::make_shared<at::CommandChannel>(stream, clock.make_timer(), options);
    channel->start();

    Watch watch;
    watch.script = &s;
    watch.outcome = &outcome;
    std::unique_ptr<ftp::SessionOpBase> inner;
    switch (cfg.op) {
      case Op::get: {
        std::optional<std::uint64_t> expected;
        if (cfg.expected_known) expected = cfg.n;
        auto f = std::make_unique<ftp::GetFsm>(expected);
        watch.chunked = f.get();
        inner = std::move(f);
        break;
      }
      case Op::list: {
        auto f = std::make_unique<ftp::ListFsm>();
        watch.chunked = f.get();
        inner = std::move(f);
        break;
      }
      case Op::extget: {
        auto f = std::make_unique<ftp::ExtGetFsm>();
        watch.extget = f.get();
        inner = std::move(f);
        break;
      }
      case Op::etget: {
        auto f = std::make_unique<ftp::EtGetFsm>();
        watch.etget = f.get();
        inner = std::move(f);
        break;
      }
      case Op::put: inner = std::make_unique<ftp::PutFsm>(source); break;
      case Op::extput: inner = std::make_unique<ftp::ExtPutFsm>(source); break;
      case Op::etput: inner = std::make_unique<ftp::EtPutFsm>(source); break;
    }
    watch.base = inner.get();
    ftp::SessionOpBase* const base = inner.get();

    std::vector<ftp::SetterStep> steps;
    if (cfg.setters) {
      steps.push_back(ftp::SetterStep{ftp::CommandId::ftprest, "AT+FTPREST=0", std::uint64_t{0}});
      steps.push_back(ftp::SetterStep{ftp::CommandId::ftpgetname, "AT+FTPGETNAME=\"f\"", std::string("f")});
    }
    ftp::ModemFtpSettings cache;

    ftp::OpRunner::Hooks hooks;
    if (cfg.download()) hooks.deliver = [&watch](std::span<const std::byte> b) { return watch.deliver(b); };
    hooks.done = [&](std::error_code ec, ftp::Fsm&) {
      ++outcome.done_calls;
      FUZZ_CHECK(outcome.done_calls == 1);
      outcome.ec = ec;
      // A result the library documents: success, or a typed error.
      FUZZ_CHECK(typed(ec) || (watch.sink_refused && ec == watch.sink_error));
      if (ec) return;
      FUZZ_CHECK(!watch.sink_refused);  // a refusing sink never ends in success
      if (cfg.counted()) FUZZ_CHECK(watch.delivered_total == watch.accepted);
      if (cfg.op == Op::get && cfg.expected_known) FUZZ_CHECK(watch.delivered_total >= cfg.n);
      if (cfg.op == Op::extget) FUZZ_CHECK(watch.extget->total_bytes() && watch.delivered_total >= *watch.extget->total_bytes());
      if (cfg.op == Op::etget) {
        FUZZ_CHECK(watch.delivered_total == watch.stream_bytes);
        FUZZ_CHECK(watch.etget->bytes_delivered() == watch.etget->bytes_received());
      }
      if (cfg.op == Op::put) FUZZ_CHECK(static_cast<ftp::PutFsm*>(base)->bytes_written() == upload.size());
      if (cfg.op == Op::extput) FUZZ_CHECK(static_cast<ftp::ExtPutFsm*>(base)->bytes_written() == upload.size());
      if (cfg.op == Op::etput) FUZZ_CHECK(static_cast<ftp::EtPutFsm*>(base)->bytes_written() == upload.size());
    };
    auto fsm = std::make_unique<WatchedFsm>(std::move(inner), watch);
    std::weak_ptr<ftp::OpRunner> runner;
    {
      // Nobody holds the runner but itself, as in FtpSession: it lives until its done ran.
      auto r = std::make_shared<ftp::OpRunner>(*channel, clock.make_timer(), cache, std::move(steps), std::move(fsm),
                                               std::move(hooks));
      runner = r;
      r->start();
    }

    auto drain = [&] {
      for (;;) {
        io.restart();
        if (io.poll() == 0) break;
      }
      FUZZ_CHECK(live_heap() <= heap_before + heap_bound);
    };
    drain();

    // The cut points: control offsets always; then per feeding.
    std::vector<std::size_t> cuts;
    for (const auto& c : s.controls) cuts.push_back(c.at);
    switch (feeding) {
      case Feeding::bytewise:
        for (std::size_t i = 1; i < s.modem.size(); ++i) cuts.push_back(i);
        break;
      case Feeding::whole: break;
      case Feeding::cut_whole: cuts.insert(cuts.end(), extra_cuts.begin(), extra_cuts.end()); break;
      case Feeding::cut_hashed: {
        cuts.insert(cuts.end(), extra_cuts.begin(), extra_cuts.end());
        const auto h = fnv1a(s.modem);
        std::mt19937 rng(static_cast<std::uint32_t>(h));
        std::uniform_int_distribution<std::size_t> piece(1, static_cast<std::size_t>(1 + (h >> 32) % 67));
        for (std::size_t pos = piece(rng); pos < s.modem.size(); pos += piece(rng)) cuts.push_back(pos);
        break;
      }
    }
    cuts.push_back(s.modem.size());
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

    std::size_t pos = 0;
    std::size_t next_control = 0;
    auto apply_controls = [&] {
      while (next_control < s.controls.size() && s.controls[next_control].at == pos) {
        const Control& c = s.controls[next_control++];
        switch (c.kind) {
          case Control::Kind::advance:
            if (tracing()) std::fprintf(stderr, "  clock + %lld ms\n", static_cast<long long>(c.by.count()));
            clock.advance(c.by);
            break;
          case Control::Kind::cancel:
            if (auto r = runner.lock()) r->cancel();
            break;
          case Control::Kind::vanish: stream.vanish(); break;
        }
        drain();
      }
    };
    const std::span<const std::byte> modem(s.modem);
    for (const std::size_t cut : cuts) {
      apply_controls();
      while (pos < cut) {
        const std::size_t n = stream.deliver(modem.subspan(pos, cut - pos));
        if (n == 0) {  // the channel stopped reading (the port vanished): the rest is lost
          pos = cut;
          break;
        }
        pos += n;
        drain();
      }
    }
    apply_controls();

    // Silence: the clock runs past every deadline; the operation must end.
    for (std::size_t i = 0; i < kTailSteps; ++i) {
      if (outcome.done_calls == 1 && channel->idle() && clock.armed_timers() == 0) break;
      clock.advance(kTailStep);
      drain();
    }
    FUZZ_CHECK(outcome.done_calls == 1);  // completed, exactly once: no hang
    FUZZ_CHECK(runner.expired());         // and the runner is gone
    FUZZ_CHECK(channel->idle());          // nothing of the operation left in the channel
    FUZZ_CHECK(clock.armed_timers() == 0);

    outcome.host_hash = stream.host_hash();
    outcome.host_bytes = stream.host_bytes();
    if (write_offsets) *write_offsets = stream.write_offsets();
    channel->close();
    stream.cancel();
    drain();
  }
  return outcome;
}

void compare(const Outcome& a, const Outcome& b, const char* name) {
  if (a.ec == b.ec && a.delivered == b.delivered && a.host_hash == b.host_hash && a.host_bytes == b.host_bytes) return;
  std::fprintf(stderr,
               "channel_fuzz: bytewise and %s feeding differ\n"
               "  result:    %s:%d (%s) vs %s:%d (%s)\n"
               "  delivered: %zu bytes vs %zu bytes%s\n"
               "  host wrote %zu bytes (hash %016llx) vs %zu bytes (hash %016llx)\n",
               name, a.ec.category().name(), a.ec.value(), a.ec.message().c_str(), b.ec.category().name(),
               b.ec.value(), b.ec.message().c_str(), a.delivered.size(), b.delivered.size(),
               a.delivered == b.delivered ? " (same)" : " (different)", a.host_bytes,
               static_cast<unsigned long long>(a.host_hash), b.host_bytes, static_cast<unsigned long long>(b.host_hash));
  std::abort();
}

}  // namespace

// The fuzz preset builds with -fsanitize=undefined but lets UBSan recover; a finding must stop
// the run (and become a crash input) instead of scrolling by.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Script script = parse_input(data, size);

  std::vector<std::size_t> write_offsets;
  if (tracing()) std::fprintf(stderr, "bytewise run\n");
  const Outcome bytewise = run(script, Feeding::bytewise, {}, &write_offsets);
  // Checked on its own (completion, typed result, bytes from the input, memory); compared only
  // with CHANNEL_FUZZ_COMPARE_WHOLE=1, to see the read-boundary dependence described above.
  const Outcome whole = run(script, Feeding::whole, {}, nullptr);
  if (std::getenv("CHANNEL_FUZZ_COMPARE_WHOLE") != nullptr) compare(bytewise, whole, "whole");
  compare(bytewise, run(script, Feeding::cut_whole, write_offsets, nullptr), "cut-whole");
  compare(bytewise, run(script, Feeding::cut_hashed, write_offsets, nullptr), "cut-hashed");
  return 0;
}
