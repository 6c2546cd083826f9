#include "ftp/extget_fsm.hpp"

#include <algorithm>
#include <string>

#include "sim7080/error.hpp"

namespace sim7080::ftp {

const char* to_string(ExtGetFsm::State s) noexcept {
  switch (s) {
    case ExtGetFsm::State::idle: return "idle";
    case ExtGetFsm::State::opening: return "opening";
    case ExtGetFsm::State::downloading: return "downloading";
    case ExtGetFsm::State::probing: return "probing";
    case ExtGetFsm::State::reading_length: return "reading_length";
    case ExtGetFsm::State::reading: return "reading";
  }
  return "?";
}

ExtGetFsm::ExtGetFsm(std::chrono::milliseconds session_timeout)
    : SessionOpBase("ExtGetFsm", CommandId::ftpextget, session_timeout) {}

const char* ExtGetFsm::state_label() const noexcept { return to_string(state_); }

void ExtGetFsm::on_start(Actions& out) {
  state_ = State::opening;
  send_open(out, CommandId::ftpextget, "AT+FTPEXTGET=1");
}

void ExtGetFsm::read_length(Actions& out) {
  state_ = State::reading_length;
  total_.reset();
  send(out, CommandId::ftpextget_read, "AT+FTPEXTGET?");
}

void ExtGetFsm::read_next(Actions& out) {
  state_ = State::reading;
  requested_ = pos_ < *total_ ? std::min<std::uint64_t>(kReadBytes, *total_ - pos_) : 0;
  announced_.reset();
  received_ = 0;
  send(out, CommandId::ftpextget, format_line("AT+FTPEXTGET=3,", {pos_, requested_}), requested_);
}

void ExtGetFsm::on_command_done(const Event& ev, Actions& out) {
  const auto protocol_error = make_error_code(AtErrc::protocol_error);
  switch (state_) {
    case State::opening:
      if (ev.ec) {
        complete(out, ev.ec);  // no session; the cleanup `=0` still follows
      } else {
        state_ = State::downloading;
        arm_session_timeout(out);
      }
      break;
    case State::probing:
      if (ev.ec) {
        fail(out, ev.ec);
      } else if (complete_seen_) {
        read_length(out);  // the URC came while we probed
      } else if (probe_state_ == std::optional<std::uint64_t>{1}) {
        if (probes_ >= kMaxProbes) {
          fail(out, make_error_code(AtErrc::timeout));
        } else {
          ++probes_;  // still downloading: a slow bearer, not a dead session
          state_ = State::downloading;
          arm_session_timeout(out);
        }
      } else if (probe_state_ == std::optional<std::uint64_t>{0}) {
        // Idle without a URC: it was lost. The buffer's length says whether the download made
        // it; a failure would have left nothing to read.
        mark_session_closed();
        urc_lost_ = true;
        read_length(out);
      } else {
        fail(out, protocol_error);
      }
      break;
    case State::reading_length:
      if (ev.ec) {
        fail(out, ev.ec);
      } else if (!total_) {
        fail(out, protocol_error);
      } else if (*total_ == 0) {
        // After `1,0` an empty buffer is an empty file; after a lost URC it is no proof of
        // anything, so the wait ends as the timeout it was.
        complete(out, urc_lost_ ? make_error_code(AtErrc::timeout) : std::error_code{});
      } else {
        read_next(out);
      }
      break;
    case State::reading:
      if (ev.ec) {
        fail(out, ev.ec);
      } else if (!announced_ || *announced_ > requested_ || received_ > requested_) {
        fail(out, protocol_error);  // no count, or more than we asked for
      } else if (received_ != *announced_ || *announced_ < requested_) {
        fail(out, make_error_code(AtErrc::truncated));  // short before the announced total
      } else if (pos_ >= *total_) {
        complete(out, {});
      } else {
        read_next(out);
      }
      break;
    case State::idle:
    case State::downloading: break;
  }
}

void ExtGetFsm::on_reply_line(std::string_view line, Actions&) {
  switch (state_) {
    case State::probing:
      if (at::has_prefix(line, "+FTPSTATE")) {
        if (const auto f = at::parse_response(line)) probe_state_ = f->number(0);
      }
      break;
    case State::reading_length:
      // `+FTPEXTGET: <mode>,<length>`. The read yields exactly one line; a second one would be
      // the completion URC overtaking the window (§6.2), so only the first counts.
      if (!total_) {
        if (const auto f = parse_own(line)) total_ = f->number(1);
      }
      break;
    case State::reading:
      if (const auto f = parse_own(line); f && f->number(0) == std::optional<std::uint64_t>{3}) {
        announced_ = f->number(1);
      }
      break;
    case State::idle:
    case State::opening:
    case State::downloading: break;
  }
}

void ExtGetFsm::on_payload(std::span<const std::byte> bytes, Actions& out) {
  if (state_ != State::reading || bytes.empty()) return;
  if (received_ + bytes.size() > requested_) {
    received_ += bytes.size();  // more than asked for: nothing of it reaches the sink
    return;
  }
  received_ += bytes.size();
  pos_ += bytes.size();
  emit(out, Action::deliver(bytes));
}

void ExtGetFsm::on_payload_end(Actions& out) {
  if (state_ != State::reading) return;
  emit(out, Action::progress(static_cast<std::size_t>(pos_)));
}

void ExtGetFsm::on_session_urc(std::uint64_t code, const at::ResponseFields&, Actions& out) {
  if (code != 0) return;  // `1,1` is not part of EXTGET's vocabulary
  switch (state_) {
    case State::downloading:
      disarm(out);
      read_length(out);
      break;
    case State::probing: complete_seen_ = true; break;  // decide when the probe completes
    case State::idle:
    case State::opening:
    case State::reading_length:
    case State::reading: break;
  }
}

void ExtGetFsm::on_deadline(Actions& out) {
  if (state_ != State::downloading) {
    fail(out, make_error_code(AtErrc::timeout));
    return;
  }
  state_ = State::probing;
  probe_state_.reset();
  send(out, CommandId::ftpstate, "AT+FTPSTATE");
}

}  // namespace sim7080::ftp
