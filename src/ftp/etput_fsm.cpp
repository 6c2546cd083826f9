#include "ftp/etput_fsm.hpp"

#include "sim7080/error.hpp"

namespace sim7080::ftp {

const char* to_string(EtPutFsm::State s) noexcept {
  switch (s) {
    case EtPutFsm::State::idle: return "idle";
    case EtPutFsm::State::opening: return "opening";
    case EtPutFsm::State::waiting_ready: return "waiting_ready";
    case EtPutFsm::State::streaming: return "streaming";
    case EtPutFsm::State::waiting_result: return "waiting_result";
  }
  return "?";
}

EtPutFsm::EtPutFsm(ByteSource& source, std::chrono::milliseconds session_timeout)
    : SessionOpBase("EtPutFsm", CommandId::ftpetput, session_timeout), source_(source), buf_(kChunkBytes) {}

const char* EtPutFsm::state_label() const noexcept { return to_string(state_); }

void EtPutFsm::on_start(Actions& out) {
  state_ = State::opening;
  send_open(out, CommandId::ftpetput, "AT+FTPETPUT=1");
}

void EtPutFsm::start_stream(Actions& out) {
  state_ = State::streaming;
  send(out, CommandId::ftpetput, "AT+FTPETPUT=2");
}

void EtPutFsm::on_command_done(const Event& ev, Actions& out) {
  switch (state_) {
    case State::opening:
      if (ev.ec) {
        complete(out, ev.ec);
      } else {
        state_ = State::waiting_ready;
        arm_session_timeout(out);
      }
      break;
    case State::streaming:
      if (data_error_) {
        fail(out, data_error_);
      } else if (ev.ec) {
        fail(out, ev.ec);
      } else if (!stream_ended_) {
        fail(out, make_error_code(AtErrc::protocol_error));  // OK before our ETX
      } else if (closed_seen_) {
        complete(out, {});
      } else {
        state_ = State::waiting_result;
        arm_session_timeout(out);
      }
      break;
    case State::idle:
    case State::waiting_ready:
    case State::waiting_result: break;
  }
}

void EtPutFsm::on_session_urc(std::uint64_t code, const at::ResponseFields&, Actions& out) {
  if (code == 1) {
    if (state_ == State::waiting_ready) {
      disarm(out);
      start_stream(out);
    }
    return;
  }
  switch (state_) {
    case State::waiting_result: complete(out, {}); break;
    case State::streaming: closed_seen_ = true; break;
    // Closed before any data went up: not the upload we asked for.
    case State::waiting_ready: complete(out, make_error_code(AtErrc::protocol_error)); break;
    case State::idle:
    case State::opening: break;
  }
}

void EtPutFsm::on_data_request(const Event& ev, Actions& out) {
  if (ev.type != EventType::stream_chunk || state_ != State::streaming) {
    SessionOpBase::on_data_request(ev, out);
    return;
  }
  // Ending: after a cancel, a failure, a source error, or the end of the data.
  if (!running() || stream_ended_ || data_error_ || source_end_) {
    stream_ended_ = true;
    emit(out, Action::write_data({}));
    return;
  }
  std::size_t got = 0;
  if (const auto ec = read_fully(source_, buf_, got, source_end_)) {
    data_error_ = ec;  // the stream must still end cleanly before we can quit
    got = 0;
  }
  if (got == 0) {
    stream_ended_ = true;
    emit(out, Action::write_data({}));
    return;
  }
  written_ += got;
  emit(out, Action::write_data(std::span<const std::byte>(buf_.data(), got)));
  emit(out, Action::progress(static_cast<std::size_t>(written_)));
}

}  // namespace sim7080::ftp
