#include "ftp/get_fsm.hpp"

#include "sim7080/error.hpp"

namespace sim7080::ftp {
namespace {

bool valid_command(CommandId cmd) noexcept { return cmd == CommandId::ftpget || cmd == CommandId::ftplist; }

std::string_view fsm_name(CommandId cmd) noexcept {
  if (cmd == CommandId::ftpget) return "GetFsm";
  if (cmd == CommandId::ftplist) return "ListFsm";
  return "ChunkedReadFsm";
}

}  // namespace

const char* to_string(ChunkedReadFsm::State s) noexcept {
  switch (s) {
    case ChunkedReadFsm::State::idle: return "idle";
    case ChunkedReadFsm::State::opening: return "opening";
    case ChunkedReadFsm::State::waiting_data: return "waiting_data";
    case ChunkedReadFsm::State::reading: return "reading";
    case ChunkedReadFsm::State::waiting_outcome: return "waiting_outcome";
  }
  return "?";
}

ChunkedReadFsm::ChunkedReadFsm(CommandId cmd, std::optional<std::uint64_t> expected_bytes,
                               std::chrono::milliseconds session_timeout)
    : SessionOpBase(fsm_name(cmd), cmd, session_timeout),
      cmd_(cmd),
      expected_(expected_bytes),
      open_line_(std::string(command_spec(cmd).name) + "=1"),
      read_line_(std::string(command_spec(cmd).name) + "=2," + std::to_string(kReadBytes)) {}

const char* ChunkedReadFsm::state_label() const noexcept { return to_string(state_); }

void ChunkedReadFsm::on_start(Actions& out) {
  if (!valid_command(cmd_)) {
    complete(out, make_error_code(AtErrc::invalid_argument));
    return;
  }
  state_ = State::opening;
  send_open(out, cmd_, open_line_);
}

void ChunkedReadFsm::read(Actions& out) {
  state_ = State::reading;
  header_seen_ = false;
  announced_ = 0;
  received_ = 0;
  send(out, cmd_, read_line_, kReadBytes);
}

void ChunkedReadFsm::finish_transfer(Actions& out) {
  // §8 Q9: with a known size, a short transfer is reported rather than papered over with reads
  // the closed session would refuse anyway.
  if (expected_ && delivered_ < *expected_) {
    complete(out, make_error_code(AtErrc::truncated));
    return;
  }
  complete(out, {});
}

void ChunkedReadFsm::on_command_done(const Event& ev, Actions& out) {
  switch (state_) {
    case State::opening:
      if (ev.ec) {
        complete(out, ev.ec);  // no session was opened: nothing to quit
      } else {
        state_ = State::waiting_data;
        arm_session_timeout(out);
      }
      break;
    case State::reading:
      if (closed_seen_) {
        // The session closed under this read: an ERROR answer is expected and harmless.
        if (!ev.ec || ev.ec == make_error_code(AtErrc::error_result)) {
          finish_transfer(out);
        } else {
          fail(out, ev.ec);
        }
      } else if (ev.ec == make_error_code(AtErrc::error_result)) {
        // The module refused the read: the session URC that follows tells why (or that the
        // transfer is over); `1,1` is not trusted again until then.
        state_ = State::waiting_outcome;
        arm_session_timeout(out);
      } else if (ev.ec) {
        fail(out, ev.ec);  // timeout, CME error, or protocol_error (`2,n` with n > 1460)
      } else if (!header_seen_ || announced_ > kReadBytes) {
        // OK without a `+<cmd>: 2,<n>` we could read: the data, if any, was not counted, so
        // taking this as an empty read would lose it silently.
        fail(out, make_error_code(AtErrc::protocol_error));
      } else if (received_ != announced_) {
        fail(out, make_error_code(AtErrc::truncated));
      } else if (announced_ == kReadBytes) {
        read(out);  // a full read: more is probably buffered, read again at once
      } else {
        // A short read emptied the module's buffer, `2,0` found it empty (not the end, §8 Q9).
        // Either way the module speaks next: `1,1` when more data arrives, `1,0` at the end.
        // Reading again at once would race the `1,0` that follows the last read's OK (the
        // application note never shows such a read) and earn an ERROR.
        state_ = State::waiting_data;
        arm_session_timeout(out);
      }
      break;
    case State::idle:
    case State::waiting_data:
    case State::waiting_outcome: break;  // nothing of ours in flight in these states
  }
}

void ChunkedReadFsm::on_reply_line(std::string_view line, Actions&) {
  if (state_ != State::reading) return;
  const auto f = parse_own(line);
  if (!f || f->number(0) != std::optional<std::uint64_t>{2}) return;
  if (const auto n = f->number(1)) {
    header_seen_ = true;
    announced_ = *n;
  }
}

void ChunkedReadFsm::on_payload(std::span<const std::byte> bytes, Actions& out) {
  if (state_ != State::reading || bytes.empty()) return;
  received_ += bytes.size();
  delivered_ += bytes.size();
  emit(out, Action::deliver(bytes));
}

void ChunkedReadFsm::on_payload_end(Actions& out) {
  // An empty read (`2,0`) moved nothing: no progress to report.
  if (state_ != State::reading || received_ == 0) return;
  emit(out, Action::progress(static_cast<std::size_t>(delivered_)));
}

void ChunkedReadFsm::on_session_urc(std::uint64_t code, const at::ResponseFields&, Actions& out) {
  if (code == 1) {
    switch (state_) {
      case State::waiting_data:
        disarm(out);
        read(out);
        break;
      // Level-triggered hint (§8 Q10): a read is outstanding, or we wait for the verdict.
      case State::idle:
      case State::opening:  // (the base drops URCs before the open's OK)
      case State::reading:
      case State::waiting_outcome: break;
    }
    return;
  }
  // code == 0: all data handed over, connection closed.
  switch (state_) {
    case State::reading: closed_seen_ = true; break;  // decide when the read completes
    case State::waiting_data:
    case State::waiting_outcome: finish_transfer(out); break;
    case State::idle:
    case State::opening: break;
  }
}

}  // namespace sim7080::ftp
