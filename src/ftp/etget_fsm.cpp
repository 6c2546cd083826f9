#include "ftp/etget_fsm.hpp"

#include "sim7080/error.hpp"

namespace sim7080::ftp {

const char* to_string(EtGetFsm::State s) noexcept {
  switch (s) {
    case EtGetFsm::State::idle: return "idle";
    case EtGetFsm::State::opening: return "opening";
    case EtGetFsm::State::waiting_header: return "waiting_header";
    case EtGetFsm::State::streaming: return "streaming";
    case EtGetFsm::State::waiting_result: return "waiting_result";
  }
  return "?";
}

EtGetFsm::EtGetFsm(std::chrono::milliseconds session_timeout)
    : SessionOpBase("EtGetFsm", CommandId::ftpetget, session_timeout) {}

const char* EtGetFsm::state_label() const noexcept { return to_string(state_); }

void EtGetFsm::on_start(Actions& out) {
  state_ = State::opening;
  // The header must be armed before the command goes out: the stream follows the header
  // immediately and no byte of it may be read as a line.
  emit(out, Action::arm_stream(CommandId::ftpetget));
  send_open(out, CommandId::ftpetget, "AT+FTPETGET=1");
}

void EtGetFsm::on_command_done(const Event& ev, Actions& out) {
  if (state_ != State::opening) return;
  if (ev.ec) {
    complete(out, ev.ec);  // ERROR to `=1`: no session, no stream
    return;
  }
  state_ = State::waiting_header;
  arm_session_timeout(out);
}

void EtGetFsm::on_payload(std::span<const std::byte> bytes, Actions& out) {
  if (state_ != State::streaming || bytes.empty()) return;
  received_ += bytes.size();
  if (!result_overridden()) {  // cancelled: consume the stream, deliver nothing more
    delivered_ += bytes.size();
    emit(out, Action::deliver(bytes));
    emit(out, Action::progress(static_cast<std::size_t>(delivered_)));
  }
  arm_session_timeout(out);  // inactivity, not total duration: a big file takes long
}

void EtGetFsm::on_payload_end(Actions& out) {
  if (state_ != State::streaming) return;
  state_ = State::waiting_result;
  arm_session_timeout(out);
}

void EtGetFsm::on_session_urc(std::uint64_t code, const at::ResponseFields&, Actions& out) {
  if (code == 1) {
    if (state_ == State::waiting_header) {
      state_ = State::streaming;
      arm_session_timeout(out);
    }
    return;
  }
  // code == 0: the download succeeded (the result becomes operation_aborted after a cancel).
  // Also accepted before the ETX or without a stream (an empty file may have none).
  if (state_ == State::idle || state_ == State::opening) return;
  complete(out, {});
}

void EtGetFsm::on_cancel(Actions& out) {
  if (state_ == State::idle) {
    fail(out, aborted_error());
    return;
  }
  // No abort path in data mode (§3.25): let the stream run out, then report the cancel.
  set_result_override(aborted_error());
}

}  // namespace sim7080::ftp
