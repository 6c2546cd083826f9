#include "ftp/etget_fsm.hpp"

#include <string_view>

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

void EtGetFsm::watch_for_reboot(std::span<const std::byte> bytes) noexcept {
  // In transparent mode a reboot's URCs arrive as stream bytes and no ETX ever comes; the
  // module's later URCs would keep re-arming an inactivity deadline for ever. "\r\nRDY\r\n"
  // is the first thing a rebooted module prints: once seen, data no longer pushes the deadline
  // back. A file that merely contains it still completes at its ETX; only one that then takes
  // longer than the session timeout to finish would end with AtErrc::timeout.
  static constexpr std::string_view kRdy = "\r\nRDY\r\n";
  for (const std::byte b : bytes) {
    const char c = static_cast<char>(b);
    if (c == kRdy[rdy_matched_]) {
      if (++rdy_matched_ == kRdy.size()) {
        reboot_suspected_ = true;
        rdy_matched_ = 0;
      }
    } else {
      rdy_matched_ = c == kRdy[0] ? 1 : 0;  // the pattern's only self-overlap is its leading CR
    }
  }
}

void EtGetFsm::on_payload(std::span<const std::byte> bytes, Actions& out) {
  if (state_ != State::streaming || bytes.empty()) return;
  received_ += bytes.size();
  if (!reboot_suspected_) watch_for_reboot(bytes);
  if (!result_overridden()) {  // cancelled: consume the stream, deliver nothing more
    delivered_ += bytes.size();
    emit(out, Action::deliver(bytes));
    emit(out, Action::progress(static_cast<std::size_t>(delivered_)));
    // Inactivity, not total duration: a big file takes long.
    if (!reboot_suspected_) arm_session_timeout(out);
  }
  // After a cancel the deadline set then is not pushed back by data: a module that rebooted
  // inside the stream keeps sending URCs that look like stream bytes, and no ETX ever comes.
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
  if (result_overridden()) return;  // a second cancel does not push the deadline back
  // No abort path in data mode (§3.25): let the stream run out, then report the cancel —
  // within one session timeout from now, whatever arrives meanwhile (see on_payload).
  set_result_override(aborted_error());
  arm_session_timeout(out);
}

}  // namespace sim7080::ftp
