#include "ftp/extput_fsm.hpp"

#include <algorithm>
#include <string>

#include "sim7080/error.hpp"

namespace sim7080::ftp {

const char* to_string(ExtPutFsm::State s) noexcept {
  switch (s) {
    case ExtPutFsm::State::idle: return "idle";
    case ExtPutFsm::State::enabling: return "enabling";
    case ExtPutFsm::State::loading: return "loading";
    case ExtPutFsm::State::opening: return "opening";
    case ExtPutFsm::State::uploading: return "uploading";
  }
  return "?";
}

ExtPutFsm::ExtPutFsm(ByteSource& source, std::chrono::milliseconds session_timeout)
    : SessionOpBase("ExtPutFsm", CommandId::ftpextput, session_timeout), source_(source), buf_(kChunkBytes) {}

const char* ExtPutFsm::state_label() const noexcept { return to_string(state_); }

void ExtPutFsm::on_start(Actions& out) {
  if (const auto size = source_.size(); size && *size > kMaxTotalBytes) {
    fail(out, make_error_code(AtErrc::invalid_argument));
    return;
  }
  state_ = State::enabling;
  send(out, CommandId::ftpextput, "AT+FTPEXTPUT=1");
}

void ExtPutFsm::load_next(Actions& out) {
  std::size_t got = 0;
  if (!source_end_) {
    const auto ec = read_fully(source_, buf_, got, source_end_);
    if (ec) {
      fail(out, ec);
      return;
    }
  }
  if (got == 0) {
    state_ = State::opening;
    send_open(out, CommandId::ftpput, "AT+FTPPUT=1");
    return;
  }
  if (pos_ + got > kMaxTotalBytes) {
    fail(out, make_error_code(AtErrc::invalid_argument));
    return;
  }
  state_ = State::loading;
  len_ = got;
  go_ahead_seen_ = false;
  send(out, CommandId::ftpextput, format_line("AT+FTPEXTPUT=2,", {pos_, len_, kLoadTimeoutMs}));
}

void ExtPutFsm::on_command_done(const Event& ev, Actions& out) {
  switch (state_) {
    case State::enabling:
      if (ev.ec) {
        complete(out, ev.ec);
      } else {
        load_next(out);
      }
      break;
    case State::loading:
      if (data_error_) {
        fail(out, data_error_);
      } else if (ev.ec) {
        fail(out, ev.ec);
      } else if (!go_ahead_seen_) {
        fail(out, make_error_code(AtErrc::protocol_error));  // OK without taking the bytes
      } else {
        pos_ += len_;
        emit(out, Action::progress(static_cast<std::size_t>(pos_)));
        load_next(out);
      }
      break;
    case State::opening:
      if (ev.ec) {
        complete(out, ev.ec);
      } else {
        state_ = State::uploading;
        arm_session_timeout(out);
      }
      break;
    case State::idle:
    case State::uploading: break;
  }
}

void ExtPutFsm::on_session_urc(std::uint64_t code, const at::ResponseFields&, Actions& out) {
  if (code != 0) return;  // extended mode reports only `1,0` / `1,<e>` (no `1,1,<max>`)
  if (state_ == State::uploading) complete(out, {});
}

void ExtPutFsm::on_data_request(const Event& ev, Actions& out) {
  if (ev.type != EventType::go_ahead || state_ != State::loading || go_ahead_seen_) {
    SessionOpBase::on_data_request(ev, out);
    return;
  }
  go_ahead_seen_ = true;
  if (ev.count != len_) data_error_ = make_error_code(AtErrc::protocol_error);
  // Exactly `count` bytes whatever happens (the modem waits for them); more than we loaded
  // are zero padding, which is never uploaded because the operation then fails.
  const std::size_t n = std::min(ev.count, buf_.size());
  if (n > len_) {
    std::fill(buf_.begin() + static_cast<std::ptrdiff_t>(len_), buf_.begin() + static_cast<std::ptrdiff_t>(n),
              std::byte{0});
  }
  emit(out, Action::write_data(std::span<const std::byte>(buf_.data(), n)));
}

}  // namespace sim7080::ftp
