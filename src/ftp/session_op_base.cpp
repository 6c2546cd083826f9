#include "ftp/session_op_base.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <iterator>

#include "asio/error.hpp"
#include "sim7080/error.hpp"

namespace sim7080::ftp {
namespace {

// A session error number as an error_code; a number no int can hold is not an FTP code but
// garbage on the line.
std::error_code ftp_error(std::uint64_t code) noexcept {
  if (code > static_cast<std::uint64_t>(INT_MAX)) return make_error_code(AtErrc::protocol_error);
  return make_ftp_error(static_cast<int>(code));
}

}  // namespace

const char* to_string(SessionOpBase::Phase p) noexcept {
  switch (p) {
    case SessionOpBase::Phase::running: return "running";
    case SessionOpBase::Phase::draining: return "draining";
    case SessionOpBase::Phase::quitting: return "quitting";
    case SessionOpBase::Phase::awaiting_final: return "awaiting_final";
    case SessionOpBase::Phase::cleaning_up: return "cleaning_up";
    case SessionOpBase::Phase::finished: return "done";
  }
  return "?";
}

SessionOpBase::SessionOpBase(std::string_view fsm_name, CommandId op,
                             std::chrono::milliseconds session_timeout) noexcept
    : name_(fsm_name), op_(op), prefixes_{command_row(op).session_urc, {}}, session_timeout_(session_timeout) {}

SessionOpBase::SessionOpBase(std::string_view fsm_name, CommandId op, std::string_view also_prefix,
                             std::chrono::milliseconds session_timeout) noexcept
    : name_(fsm_name), op_(op), prefixes_{command_row(op).session_urc, also_prefix}, session_timeout_(session_timeout) {}

std::error_code SessionOpBase::aborted_error() noexcept { return asio::error::operation_aborted; }

std::string SessionOpBase::state_name() const {
  std::string s(name_);
  s += ':';
  s += phase_ == Phase::running ? state_label() : to_string(phase_);
  return s;
}

void SessionOpBase::resume(const Event& ev, Actions& out) {
  if (phase_ == Phase::finished) return;  // late events after done change nothing
  switch (ev.type) {
    case EventType::start:
      if (!started_ && running()) {
        started_ = true;
        on_start(out);
      }
      break;
    case EventType::command_done: handle_command_done(ev, out); break;
    case EventType::reply_line:
      if (running()) on_reply_line(ev.line, out);
      break;
    case EventType::payload:
      // While ending, bytes still arriving for the in-flight command are dropped: a
      // cancelled or failed operation delivers nothing more.
      if (running()) on_payload(ev.bytes, out);
      break;
    case EventType::payload_end:
      if (running()) on_payload_end(out);
      break;
    case EventType::urc: handle_urc(ev.line, out); break;
    case EventType::go_ahead:
    case EventType::stream_chunk: on_data_request(ev, out); break;
    case EventType::deadline: handle_deadline(out); break;
    case EventType::cancel:
      // Cancelling an operation that is already ending changes nothing: the ending is
      // bounded, and its first reason is the more informative result.
      if (running()) on_cancel(out);
      break;
    case EventType::link_lost:
      // No command can complete any more, so done at once (the runner fails the channel).
      emit_done(out, ev.ec ? ev.ec : make_error_code(AtErrc::channel_closed));
      break;
  }
}

void SessionOpBase::handle_command_done(const Event& ev, Actions& out) {
  if (in_flight_ == 0) return;  // not one of ours
  --in_flight_;
  if (open_in_flight_) {
    open_in_flight_ = false;
    // Its OK opens the session (until a final URC); an error means there never was one.
    if (!ev.ec) session_open_ = true;
  }
  switch (phase_) {
    case Phase::running: on_command_done(ev, out); break;
    case Phase::draining: continue_ending(out); break;
    case Phase::quitting:
      // OK: wait for the op's `1,80`. ERROR: the op had already ended and its final URC may
      // still be on the way; wait for it under the same deadline either way.
      if (gave_up_ || session_ended_) {
        cleanup_or_done(out);
      } else {
        phase_ = Phase::awaiting_final;
      }
      break;
    case Phase::cleaning_up: {
      // A failed `=0` after a successful transfer is reported: leaving the module in extended
      // mode would make the next plain upload send the stale RAM buffer.
      std::error_code ec = end_ec_;
      if (!ec && ev.ec) ec = ev.ec;
      emit_done(out, ec);
      break;
    }
    case Phase::awaiting_final:
    case Phase::finished: break;
  }
}

void SessionOpBase::handle_urc(std::string_view line, Actions& out) {
  // On the wire a session URC always follows the OK of the command that opened the session,
  // and the channel keeps wire order; one arriving before that OK belongs to an earlier
  // operation (say, the `1,80` of an abort that gave up waiting) and must not end this one.
  if (open_in_flight_) return;
  const auto f = parse_own(line);
  if (!f) return;
  const auto mode = f->number(0);
  const auto code = f->number(1);
  if (!mode || *mode != 1 || !code) return;  // not a session URC (`+FTPGET: 1` test form...)
  const bool final = *code != 1;
  if (final) {
    session_open_ = false;
    session_ended_ = true;
  }
  switch (phase_) {
    case Phase::running:
      if (*code >= 2) {
        end(out, ftp_error(*code), /*may_quit=*/false);
      } else {
        on_session_urc(*code, *f, out);
      }
      break;
    case Phase::draining:
    case Phase::quitting:
    case Phase::awaiting_final:
      if (!final) break;
      // A plain ERROR says little; the session's own code that follows says what happened.
      if (*code >= 2 && *code != 80 && end_ec_ == make_error_code(AtErrc::error_result)) {
        end_ec_ = ftp_error(*code);
      }
      if (phase_ == Phase::awaiting_final) cleanup_or_done(out);
      break;
    case Phase::cleaning_up:
    case Phase::finished: break;
  }
}

void SessionOpBase::handle_deadline(Actions& out) {
  // A deadline we disarmed may still be delivered by the runner's timer race: ignore it.
  if (!armed_) return;
  armed_ = false;
  switch (phase_) {
    case Phase::running: on_deadline(out); break;
    case Phase::quitting: gave_up_ = true; break;  // finish when the quit completes
    case Phase::awaiting_final: cleanup_or_done(out); break;
    case Phase::draining:
    case Phase::cleaning_up:
    case Phase::finished: break;
  }
}

void SessionOpBase::on_reply_line(std::string_view, Actions&) {}
void SessionOpBase::on_payload(std::span<const std::byte>, Actions&) {}
void SessionOpBase::on_payload_end(Actions&) {}
void SessionOpBase::on_session_urc(std::uint64_t, const at::ResponseFields&, Actions&) {}

void SessionOpBase::on_data_request(const Event&, Actions& out) {
  // Nothing of ours asked for host data. An empty write ends a stream; for a counted go-ahead
  // the channel's deadline ends the command.
  emit(out, Action::write_data({}));
  fail(out, make_error_code(AtErrc::protocol_error));
}

void SessionOpBase::on_deadline(Actions& out) { fail(out, make_error_code(AtErrc::timeout)); }

void SessionOpBase::on_cancel(Actions& out) { fail(out, aborted_error()); }

void SessionOpBase::send(Actions& out, CommandId id, std::string_view line, std::uint64_t payload_max) {
  ++in_flight_;
  emit(out, Action::send(id, line, payload_max));
}

void SessionOpBase::send_open(Actions& out, CommandId id, std::string_view line) {
  open_in_flight_ = true;
  send(out, id, line);
}

std::string_view SessionOpBase::format_line(std::string_view prefix, std::initializer_list<std::uint64_t> numbers) {
  line_buffer_.assign(prefix);
  bool first = true;
  for (const auto n : numbers) {
    if (!first) line_buffer_.push_back(',');
    first = false;
    char digits[24];
    const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), n);
    (void)ec;  // 24 characters hold any uint64_t
    line_buffer_.append(digits, end);
  }
  return line_buffer_;
}

void SessionOpBase::arm(Actions& out, std::chrono::milliseconds after) {
  armed_ = true;
  emit(out, Action::arm_deadline(after));
}

void SessionOpBase::disarm(Actions& out) {
  if (!armed_) return;
  armed_ = false;
  emit(out, Action::disarm_deadline());
}

void SessionOpBase::emit(Actions& out, Action a) {
  if (out.size() < Actions::capacity) out.push(std::move(a));
}

void SessionOpBase::complete(Actions& out, std::error_code ec) { end(out, ec, /*may_quit=*/false); }

void SessionOpBase::fail(Actions& out, std::error_code ec) { end(out, ec, /*may_quit=*/true); }

void SessionOpBase::end(Actions& out, std::error_code ec, bool may_quit) {
  if (phase_ != Phase::running) return;  // already ending: the first reason wins
  end_ec_ = ec;
  may_quit_ = may_quit;
  phase_ = Phase::draining;
  disarm(out);  // the channel bounds the in-flight command; the abort arms its own deadline
  continue_ending(out);
}

void SessionOpBase::continue_ending(Actions& out) {
  if (in_flight_ > 0) return;
  if (may_quit_ && session_open_ && command_row(op_).ftpquit_aborts) {
    phase_ = Phase::quitting;
    send(out, CommandId::ftpquit, "AT+FTPQUIT");
    // A short session timeout (a caller who wants a silent module noticed quickly) also
    // shortens the wait for the abort's `1,80`.
    arm(out, std::min(kAbortTimeout, session_timeout_));
    return;
  }
  cleanup_or_done(out);
}

void SessionOpBase::cleanup_or_done(Actions& out) {
  disarm(out);
  if (override_) end_ec_ = override_;
  const auto cleanup = cleanup_command();
  // Only an operation that started can have changed the module's mode; then `=0` always.
  if (started_ && cleanup && phase_ != Phase::cleaning_up) {
    phase_ = Phase::cleaning_up;
    send(out, cleanup->id, cleanup->line);
    return;
  }
  emit_done(out, end_ec_);
}

void SessionOpBase::emit_done(Actions& out, std::error_code ec) {
  disarm(out);
  result_ = ec;
  phase_ = Phase::finished;
  emit(out, Action::done(ec));
}

std::optional<at::ResponseFields> SessionOpBase::parse_own(std::string_view line) const noexcept {
  if (!at::has_prefix(line, prefixes_[0]) && (prefixes_[1].empty() || !at::has_prefix(line, prefixes_[1]))) {
    return std::nullopt;
  }
  return at::parse_response(line);
}

}  // namespace sim7080::ftp
