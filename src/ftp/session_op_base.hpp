#pragma once
// What every FTP operation FSM shares: the bookkeeping of commands in flight, the session
// (open from the OK of the opening command until a final `+<op>: 1,<x>` URC), cancellation,
// deadlines, the AT+FTPQUIT abort, the `=0` cleanup of the extended operations, and link loss.
// Derived FSMs implement only their happy path and the quirks of their command; everything
// that ends an operation goes through here, so the runner contract holds for all of them:
//   - `done` is emitted exactly once, never while one of our commands is still in flight
//     (except on link_lost, where no completion will ever come);
//   - a go_ahead / stream_chunk is always answered (also while aborting), because the modem
//     sits in its data phase until it gets the bytes;
//   - every wait for a session URC is bounded by a deadline.
//
// Abort sequence (spec §3.26, §8 Q12, style §8), entered by cancel, by the op's own deadline
// or by a failure that leaves the session open:
//   draining       wait until no command of ours is in flight (the channel bounds each one);
//   quitting       if the session is open: AT+FTPQUIT under min(kAbortTimeout, session timeout);
//   awaiting_final OK, or ERROR (= the op had already ended): wait, under the same deadline,
//                  for the op's final session URC (`1,80` or any other `1,<x>`, x != 1);
//   cleaning_up    extended ops: AT+FTPEXTPUT=0 / AT+FTPEXTGET=0, always;
//   finished       done(ec): operation_aborted for cancel, AtErrc::timeout for a deadline,
//                  else the failure that started the abort.
// A session URC `1,<code>` with code >= 2 while running ends the op with
// make_ftp_error(code) once no command is in flight (the session is closed: no quit).
// Session URCs that arrive while the opening command is still in flight are dropped: the module
// sends OK first, so they are left over from an earlier operation (e.g. an abort that gave up).
// Results: a cancelled op completes with operation_aborted even if its success URC arrives
// during the abort (a download has stopped delivering by then); once an ending has begun, a
// later cancel or failure does not change its reason.
#include <array>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "at/response_fields.hpp"
#include "ftp/command_table.hpp"
#include "ftp/fsm.hpp"

namespace sim7080::ftp {

class SessionOpBase : public Fsm {
 public:
  enum class Phase : std::uint8_t { running, draining, quitting, awaiting_final, cleaning_up, finished };

  void resume(const Event& ev, Actions& out) final;
  std::span<const std::string_view> urc_prefixes() const noexcept final {
    return std::span<const std::string_view>(prefixes_).first(prefixes_[1].empty() ? 1 : 2);
  }
  // "<Name>:<state>" while running, "<Name>:<phase>" while ending ("GetFsm:quitting").
  std::string state_name() const final;

  Phase phase() const noexcept { return phase_; }
  bool finished() const noexcept { return phase_ == Phase::finished; }
  // The error the operation completed with; nullopt until `done` was emitted.
  std::optional<std::error_code> result() const noexcept {
    if (!finished()) return std::nullopt;
    return result_;
  }

 protected:
  // `op` names the operation's command-table row: its session_urc is the URC prefix this FSM
  // subscribes to, its ftpquit_aborts says whether AT+FTPQUIT can end the session.
  SessionOpBase(std::string_view fsm_name, CommandId op, std::chrono::milliseconds session_timeout) noexcept;
  SessionOpBase(std::string_view fsm_name, CommandId op, std::string_view also_prefix,
                std::chrono::milliseconds session_timeout) noexcept;

  // --- hooks; all but on_data_request are called only while running -----------------------
  virtual void on_start(Actions& out) = 0;
  // The command sent last completed (OK when ev.ec is empty).
  virtual void on_command_done(const Event& ev, Actions& out) = 0;
  virtual void on_reply_line(std::string_view line, Actions& out);
  virtual void on_payload(std::span<const std::byte> bytes, Actions& out);
  virtual void on_payload_end(Actions& out);
  // A session URC `+<op>: 1,<code>` with code 0 or 1; failures are handled by the base.
  virtual void on_session_urc(std::uint64_t code, const at::ResponseFields& fields, Actions& out);
  // go_ahead or stream_chunk, in every phase until finished; must emit exactly one write_data.
  // Default: a protocol error (nothing was announced), answered so the channel can move on.
  virtual void on_data_request(const Event& ev, Actions& out);
  // Our deadline passed while running. Default: abort with AtErrc::timeout.
  virtual void on_deadline(Actions& out);
  // The user cancelled while running. Default: abort with operation_aborted.
  virtual void on_cancel(Actions& out);
  // The `=0` an extended operation must send before it completes (nullopt: none).
  struct CleanupCommand {
    CommandId id;
    std::string_view line;
  };
  virtual std::optional<CleanupCommand> cleanup_command() const noexcept { return std::nullopt; }
  virtual const char* state_label() const noexcept = 0;

  // --- helpers -------------------------------------------------------------------------------
  // `line` must outlive the event being handled: a literal, a member, or format_line()'s result.
  // Temporaries are refused at compile time (they would dangle).
  // `payload_max`: see Action::payload_max.
  void send(Actions& out, CommandId id, std::string_view line, std::uint64_t payload_max = 0);
  template <class S, class = std::enable_if_t<std::is_same_v<S, std::string>>>
  void send(Actions& out, CommandId id, S&& temporary_line) = delete;
  // Sends the command whose OK opens the session (AT+FTPGET=1, AT+FTPPUT=1, AT+FTPSIZE, ...).
  void send_open(Actions& out, CommandId id, std::string_view line);
  template <class S, class = std::enable_if_t<std::is_same_v<S, std::string>>>
  void send_open(Actions& out, CommandId id, S&& temporary_line) = delete;
  // `prefix` followed by the numbers separated by commas ("AT+FTPPUT=2," + {1360} →
  // "AT+FTPPUT=2,1360"), formatted into the FSM's line buffer without allocating once the
  // buffer has grown. Valid until the next format_line() call.
  std::string_view format_line(std::string_view prefix, std::initializer_list<std::uint64_t> numbers);
  void arm(Actions& out, std::chrono::milliseconds after);
  void arm_session_timeout(Actions& out) { arm(out, session_timeout_); }
  void disarm(Actions& out);
  // Appends an action; Actions is a fixed array, so overflow is refused instead of being UB
  // (no handler emits more than four actions per event).
  static void emit(Actions& out, Action a);
  // Ends the operation without AT+FTPQUIT (the session is closed or never opened): after the
  // in-flight command, the cleanup command, then done(ec).
  void complete(Actions& out, std::error_code ec);
  // Ends the operation with a failure: as complete(), but quits an open session first.
  void fail(Actions& out, std::error_code ec);
  // The session ended without a URC we saw (AT+FTPSTATE read 0).
  void mark_session_closed() noexcept { session_open_ = false; session_ended_ = true; }
  // Whatever happens next, complete with `ec` (ETGET's cancel: keep draining the stream,
  // deliver nothing more, and report operation_aborted at the end).
  void set_result_override(std::error_code ec) noexcept { override_ = ec; }
  bool result_overridden() const noexcept { return static_cast<bool>(override_); }
  bool running() const noexcept { return phase_ == Phase::running; }
  bool session_open() const noexcept { return session_open_; }
  std::size_t in_flight() const noexcept { return in_flight_; }
  std::chrono::milliseconds session_timeout() const noexcept { return session_timeout_; }
  std::string_view session_prefix() const noexcept { return prefixes_[0]; }
  // The error a cancelled operation completes with (asio::error::operation_aborted).
  static std::error_code aborted_error() noexcept;
  // Parses `<session_prefix>: <fields>`; nullopt for another prefix or a malformed line.
  std::optional<at::ResponseFields> parse_own(std::string_view line) const noexcept;

 private:
  void handle_urc(std::string_view line, Actions& out);
  void handle_command_done(const Event& ev, Actions& out);
  void handle_deadline(Actions& out);
  void end(Actions& out, std::error_code ec, bool may_quit);
  void continue_ending(Actions& out);
  void cleanup_or_done(Actions& out);
  void emit_done(Actions& out, std::error_code ec);

  std::string_view name_;
  CommandId op_;
  // The session URC prefix, and a second one for operations that report under another name
  // (AT+FTPEXTGET=2 ends with `+FTPEXTGETFILE: 1,<x>`, spec Q14).
  std::array<std::string_view, 2> prefixes_;
  std::chrono::milliseconds session_timeout_;
  Phase phase_ = Phase::running;
  bool started_ = false;
  bool armed_ = false;
  std::size_t in_flight_ = 0;
  bool open_in_flight_ = false;  // the command in flight is the one that opens the session
  bool session_open_ = false;
  bool session_ended_ = false;   // a final session URC arrived (or FTPSTATE said idle)
  bool may_quit_ = false;        // the ending started by fail(): quit an open session
  bool gave_up_ = false;         // the abort deadline passed while AT+FTPQUIT was in flight
  std::error_code end_ec_{};     // why the operation is ending
  std::error_code override_{};
  std::error_code result_{};
  std::string line_buffer_;      // format_line()'s output
};

const char* to_string(SessionOpBase::Phase p) noexcept;

}  // namespace sim7080::ftp
