#pragma once
// Drives an FTP operation FSM the way the runner does and records its actions as printable
// lines ("send AT+FTPGET=2,1460", "deliver 50", "done ftp.72"), so a test compares whole
// exchanges. The driver also checks the runner contract on every event: a go_ahead is answered
// with exactly one write_data of exactly `count` bytes (a stream_chunk with one write_data),
// `done` comes once, never while a command is in flight (except on link_lost), nothing follows
// it, and no event overfills the fixed Actions array.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "asio/error.hpp"
#include "ftp/byte_source.hpp"
#include "ftp/fsm.hpp"
#include "sim7080/error.hpp"

namespace sim7080::ftp::test {

using Lines = std::vector<std::string>;

inline std::string describe(std::error_code ec) {
  if (!ec) return "ok";
  if (ec == std::error_code(asio::error::operation_aborted)) return "operation_aborted";
  if (ec.category() == at_category()) {
    switch (static_cast<AtErrc>(ec.value())) {
      case AtErrc::timeout: return "at.timeout";
      case AtErrc::line_too_long: return "at.line_too_long";
      case AtErrc::malformed_line: return "at.malformed_line";
      case AtErrc::error_result: return "at.error_result";
      case AtErrc::protocol_error: return "at.protocol_error";
      case AtErrc::modem_restarted: return "at.modem_restarted";
      case AtErrc::modem_powered_down: return "at.modem_powered_down";
      case AtErrc::invalid_argument: return "at.invalid_argument";
      case AtErrc::channel_closed: return "at.channel_closed";
      case AtErrc::busy: return "at.busy";
      case AtErrc::truncated: return "at.truncated";
      case AtErrc::baud_rate_fallback: return "at.baud_rate_fallback";
    }
  }
  if (ec.category() == ftp_category()) return "ftp." + std::to_string(ec.value());
  if (ec.category() == cme_category()) return "cme." + std::to_string(ec.value());
  return std::string(ec.category().name()) + "." + std::to_string(ec.value());
}

inline std::string done(std::error_code ec = {}) { return "done " + describe(ec); }
inline std::string done(AtErrc e) { return done(make_error_code(e)); }
inline std::string done_ftp(int code) { return done(make_ftp_error(code)); }
inline std::string done_aborted() { return done(asio::error::operation_aborted); }
inline std::string arm_ms(std::chrono::milliseconds t) { return "arm " + std::to_string(t.count()) + "ms"; }
inline const std::string kArm75 = arm_ms(kSessionUrcTimeout);
inline const std::string kArmAbort = arm_ms(kAbortTimeout);

inline std::string describe(const Action& a) {
  switch (a.type) {
    case ActionType::send: return "send " + std::string(a.line);
    case ActionType::write_data: return "write " + std::to_string(a.bytes.size());
    case ActionType::arm_stream: return "arm_stream " + std::string(command_spec(a.id).name);
    case ActionType::arm_deadline: return arm_ms(a.after);
    case ActionType::disarm_deadline: return "disarm";
    case ActionType::deliver: return "deliver " + std::to_string(a.bytes.size());
    case ActionType::progress: return "progress " + std::to_string(a.count);
    case ActionType::done: return done(a.ec);
  }
  return "?";
}


}  // namespace sim7080::ftp::test

namespace sim7080::ftp {
// GoogleTest printers (found by ADL), so a failing comparison shows readable actions and events.
inline void PrintTo(const Action& a, std::ostream* os) { *os << test::describe(a); }
inline void PrintTo(const Event& e, std::ostream* os) {
  *os << to_string(e.type);
  if (!e.line.empty()) *os << '(' << e.line << ')';
  if (e.ec) *os << '(' << test::describe(e.ec) << ')';
  if (e.type == EventType::go_ahead) *os << '(' << e.count << ')';
}
}  // namespace sim7080::ftp

namespace sim7080::ftp::test {

inline std::span<const std::byte> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

inline std::string pattern(std::size_t n, std::size_t seed = 0) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7 + i / 251) & 0xff);
  return s;
}

class FsmDriver {
 public:
  explicit FsmDriver(Fsm& fsm) : fsm_(fsm) {}

  Lines feed(const Event& ev) {
    Actions out;
    const bool was_done = done_;
    if (ev.type == EventType::deadline) armed_ = false;  // the timer fired
    if (ev.type == EventType::command_done) {
      EXPECT_GT(in_flight_, 0u) << "test bug: command_done with nothing in flight";
      if (in_flight_ > 0) --in_flight_;
    }
    fsm_.resume(ev, out);
    EXPECT_LT(out.size(), Actions::capacity) << "an event filled the Actions array: actions may be lost";
    Lines lines;
    std::size_t writes = 0;
    for (const auto& a : out) {
      lines.push_back(describe(a));
      EXPECT_FALSE(done_) << "action after done: " << lines.back();
      switch (a.type) {
        case ActionType::send: ++in_flight_; sent_.emplace_back(a.line); break;
        case ActionType::write_data:
          ++writes;
          written_.append(reinterpret_cast<const char*>(a.bytes.data()), a.bytes.size());
          if (ev.type == EventType::go_ahead) {
            EXPECT_EQ(a.bytes.size(), ev.count) << "go_ahead answered with a wrong count";
          }
          break;
        case ActionType::deliver: delivered_.append(reinterpret_cast<const char*>(a.bytes.data()), a.bytes.size()); break;
        case ActionType::arm_deadline: armed_ = true; break;
        case ActionType::disarm_deadline: armed_ = false; break;
        case ActionType::done:
          if (ev.type != EventType::link_lost) {
            EXPECT_EQ(in_flight_, 0u) << "done while a command is in flight";
          }
          done_ = true;
          result_ = a.ec;
          break;
        default: break;
      }
    }
    if (ev.type == EventType::go_ahead || ev.type == EventType::stream_chunk) {
      EXPECT_EQ(writes, 1u) << to_string(ev.type) << " must be answered with exactly one write_data";
    } else {
      EXPECT_EQ(writes, 0u) << "write_data without go_ahead/stream_chunk";
    }
    if (was_done) {
      EXPECT_TRUE(lines.empty()) << "actions after done";
    }
    log_.insert(log_.end(), lines.begin(), lines.end());
    return lines;
  }

  Lines start() { return feed(make(EventType::start)); }
  Lines ok() { return feed(make(EventType::command_done)); }
  Lines error(std::error_code ec = make_error_code(AtErrc::error_result)) {
    Event e = make(EventType::command_done);
    e.ec = ec;
    return feed(e);
  }
  Lines error(AtErrc e) { return error(make_error_code(e)); }
  Lines reply(std::string_view line) { return feed(make(EventType::reply_line, line)); }
  Lines urc(std::string_view line) { return feed(make(EventType::urc, line)); }
  Lines payload(std::string_view bytes) {
    Event e = make(EventType::payload);
    e.bytes = as_bytes(bytes);
    return feed(e);
  }
  Lines payload_end() { return feed(make(EventType::payload_end)); }
  Lines go_ahead(std::size_t count) {
    Event e = make(EventType::go_ahead);
    e.count = count;
    return feed(e);
  }
  Lines chunk() { return feed(make(EventType::stream_chunk)); }
  Lines deadline() { return feed(make(EventType::deadline)); }
  Lines cancel() { return feed(make(EventType::cancel)); }
  Lines link_lost(std::error_code ec = make_error_code(AtErrc::modem_restarted)) {
    Event e = make(EventType::link_lost);
    e.ec = ec;
    return feed(e);
  }

  // A whole counted read: `<prefix>: <first>,<n>`, the bytes (in pieces of `piece`), the end,
  // and OK; returns every action of the exchange.
  Lines counted_read(std::string_view prefix, std::string_view first, std::string_view data,
                     std::size_t piece = 0) {
    Lines all;
    auto add = [&](const Lines& l) { all.insert(all.end(), l.begin(), l.end()); };
    add(reply(std::string(prefix) + ": " + std::string(first) + "," + std::to_string(data.size())));
    if (piece == 0) piece = std::max<std::size_t>(data.size(), 1);
    for (std::size_t i = 0; i < data.size(); i += piece) add(payload(data.substr(i, piece)));
    add(payload_end());
    add(ok());
    return all;
  }

  const Lines& log() const noexcept { return log_; }
  const std::vector<std::string>& sent() const noexcept { return sent_; }
  const std::string& delivered() const noexcept { return delivered_; }
  const std::string& written() const noexcept { return written_; }
  bool is_done() const noexcept { return done_; }
  std::error_code result() const noexcept { return result_; }
  std::size_t in_flight() const noexcept { return in_flight_; }
  bool armed() const noexcept { return armed_; }

 private:
  static Event make(EventType t, std::string_view line = {}) {
    Event e;
    e.type = t;
    e.line = line;
    return e;
  }

  Fsm& fsm_;
  Lines log_;
  std::vector<std::string> sent_;
  std::string delivered_;
  std::string written_;
  std::size_t in_flight_ = 0;
  bool done_ = false;
  bool armed_ = false;
  std::error_code result_{};
};

// A source that hands out at most `piece` bytes per read (a pipe), and can fail at a position.
class ScriptedSource final : public ByteSource {
 public:
  explicit ScriptedSource(std::string data, std::size_t piece = SIZE_MAX, bool known_size = true)
      : data_(std::move(data)), piece_(piece), known_size_(known_size) {}
  void fail_at(std::size_t pos, std::error_code ec) {
    fail_pos_ = pos;
    fail_ec_ = ec;
  }
  std::error_code read(std::span<std::byte> into, std::size_t& got) override {
    got = 0;
    if (fail_pos_ && pos_ >= *fail_pos_) return fail_ec_;
    std::size_t n = std::min({into.size(), piece_, data_.size() - pos_});
    if (fail_pos_) n = std::min(n, *fail_pos_ - pos_);
    std::copy_n(reinterpret_cast<const std::byte*>(data_.data()) + pos_, n, into.data());
    pos_ += n;
    got = n;
    ++reads_;
    return {};
  }
  std::optional<std::uint64_t> size() const override {
    if (!known_size_) return std::nullopt;
    return data_.size();
  }
  std::size_t reads() const noexcept { return reads_; }

 private:
  std::string data_;
  std::size_t piece_;
  bool known_size_;
  std::size_t pos_ = 0;
  std::size_t reads_ = 0;
  std::optional<std::size_t> fail_pos_;
  std::error_code fail_ec_{};
};

// The actions of several steps, in order: `seq({d.ok(), d.urc(...)})`. A braced list is
// evaluated left to right, unlike the operands of `+`.
inline Lines seq(std::initializer_list<Lines> steps) {
  Lines all;
  for (const auto& s : steps) all.insert(all.end(), s.begin(), s.end());
  return all;
}

// All FTP session error codes of spec §5.1.
inline const std::vector<int> kAllFtpErrors = {61, 62, 63, 64, 65, 66, 70, 71, 72, 73, 74, 75, 76,
                                               77, 78, 79, 80, 90, 91, 92, 93, 94};

}  // namespace sim7080::ftp::test
