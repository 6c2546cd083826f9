#pragma once
// The vocabulary shared by every per-command state machine. FSMs are plain classes: they take
// an Event and append Actions; they never touch I/O, timers or the user's sink. The runner
// (src/ftp/op_runner.*) turns actions into channel submissions, timer arming and sink writes,
// and feeds what comes back as events. Tests drive FSMs directly with events.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "ftp/command_table.hpp"

namespace sim7080::ftp {

enum class EventType : std::uint8_t {
  start,         // begin: the session settings are in place
  command_done,  // the command sent last completed; ec is empty for OK, else the error
  reply_line,    // an information line of the command in flight, e.g. "+FTPGET: 2,50"
  payload,       // bytes of a counted reply payload or of a transparent stream (bytes)
  payload_end,   // the counted bytes, or the transparent stream (at its ETX), are complete
  urc,           // a URC with one of the FSM's prefixes (line)
  go_ahead,      // the modem asks for exactly `count` host bytes now: answer with write_data
  stream_chunk,  // transparent upload: the channel wants the next chunk: write_data (empty = end)
  deadline,      // the FSM's own deadline passed
  cancel,        // the user cancelled the operation
  link_lost,     // modem restarted, powered down, or port vanished (ec)
};

struct Event {
  EventType type{};
  std::error_code ec{};
  std::string_view line{};
  // send: the most payload bytes the reply may announce (the read's requested length); 0 = the
  // command table's limit. A larger count is a protocol error and no byte of it is delivered.
  std::uint64_t payload_max = 0;
  std::span<const std::byte> bytes{};
  std::size_t count = 0;
};

enum class ActionType : std::uint8_t {
  send,             // submit `line` as command `id`; completion comes back as command_done
  write_data,       // reply to go_ahead / stream_chunk with `bytes` (valid until the next event)
  arm_stream,       // arm the transparent-stream header of command `id` (AT+FTPETGET) before sending it
  arm_deadline,     // (re)arm the FSM's own deadline `after` from now
  disarm_deadline,
  deliver,          // hand `bytes` to the user's sink, in order
  progress,         // `count` bytes done so far
  done,             // the operation finished with `ec` (empty = success)
};

struct Action {
  ActionType type{};
  CommandId id{};
  // send: the command line. It points into the FSM (a literal or a buffer the FSM owns) and
  // stays valid until the FSM's next event: the runner copies it before feeding anything else.
  std::string_view line{};
  // send: the most payload bytes the reply may announce (the read's requested length); 0 = the
  // command table's limit. A larger count is a protocol error and no byte of it is delivered.
  std::uint64_t payload_max = 0;
  std::span<const std::byte> bytes{};
  std::chrono::milliseconds after{};
  std::size_t count = 0;
  std::error_code ec{};

  static Action send(CommandId id, std::string_view line, std::uint64_t payload_max = 0) {
    Action a;
    a.type = ActionType::send;
    a.id = id;
    a.line = line;
    a.payload_max = payload_max;
    return a;
  }
  static Action write_data(std::span<const std::byte> b) { Action a; a.type = ActionType::write_data; a.bytes = b; return a; }
  static Action arm_stream(CommandId id) { Action a; a.type = ActionType::arm_stream; a.id = id; return a; }
  static Action arm_deadline(std::chrono::milliseconds t) { Action a; a.type = ActionType::arm_deadline; a.after = t; return a; }
  static Action disarm_deadline() { Action a; a.type = ActionType::disarm_deadline; return a; }
  static Action deliver(std::span<const std::byte> b) { Action a; a.type = ActionType::deliver; a.bytes = b; return a; }
  static Action progress(std::size_t n) { Action a; a.type = ActionType::progress; a.count = n; return a; }
  static Action done(std::error_code ec = {}) { Action a; a.type = ActionType::done; a.ec = ec; return a; }
};

// At most a handful of actions follow one event; a fixed array keeps the hot path free of
// allocations.
class Actions {
 public:
  static constexpr std::size_t capacity = 6;
  void push(Action a) { items_[size_++] = std::move(a); }
  std::size_t size() const noexcept { return size_; }
  const Action& operator[](std::size_t i) const noexcept { return items_[i]; }
  const Action* begin() const noexcept { return items_.data(); }
  const Action* end() const noexcept { return items_.data() + size_; }
  void clear() noexcept { size_ = 0; }

 private:
  std::array<Action, capacity> items_{};
  std::size_t size_ = 0;
};

// The interface of every operation FSM.
class Fsm {
 public:
  virtual ~Fsm() = default;
  virtual void resume(const Event& ev, Actions& out) = 0;
  // URC prefixes this FSM must see while it runs ("+FTPGET").
  virtual std::span<const std::string_view> urc_prefixes() const noexcept = 0;
  // For tests and traces: "GetFsm:reading".
  virtual std::string state_name() const = 0;
};

// How long an FSM waits for a session URC (spec: 75 s for FTP results).
inline constexpr std::chrono::milliseconds kSessionUrcTimeout{75000};
// How long the abort (AT+FTPQUIT → `+<op>: 1,80`) may take before the FSM gives up waiting.
inline constexpr std::chrono::milliseconds kAbortTimeout{10000};

const char* to_string(EventType t) noexcept;
const char* to_string(ActionType t) noexcept;

}  // namespace sim7080::ftp
