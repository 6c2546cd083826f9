#include "ftp/put_fsm.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "sim7080/error.hpp"

namespace sim7080::ftp {

const char* to_string(PutFsm::State s) noexcept {
  switch (s) {
    case PutFsm::State::idle: return "idle";
    case PutFsm::State::opening: return "opening";
    case PutFsm::State::waiting_ready: return "waiting_ready";
    case PutFsm::State::writing: return "writing";
    case PutFsm::State::closing: return "closing";
    case PutFsm::State::waiting_result: return "waiting_result";
  }
  return "?";
}

PutFsm::PutFsm(ByteSource& source, std::chrono::milliseconds session_timeout)
    : SessionOpBase("PutFsm", CommandId::ftpput, session_timeout), source_(source), buf_(kMaxChunkBytes) {}

const char* PutFsm::state_label() const noexcept { return to_string(state_); }

void PutFsm::on_start(Actions& out) {
  state_ = State::opening;
  send_open(out, CommandId::ftpput, "AT+FTPPUT=1");
}

void PutFsm::wait_ready(Actions& out) {
  if (ready_seen_) {
    next_chunk(out);
    return;
  }
  state_ = State::waiting_ready;
  arm_session_timeout(out);
}

void PutFsm::next_chunk(Actions& out) {
  ready_seen_ = false;
  const std::size_t limit = std::min(max_, kMaxChunkBytes);
  if (!source_end_ && pending_ < limit) {
    std::size_t got = 0;
    bool at_end = false;
    const auto ec = read_fully(source_, std::span(buf_).subspan(pending_, limit - pending_), got, at_end);
    if (ec) {
      fail(out, ec);
      return;
    }
    pending_ += got;
    source_end_ = at_end;
  }
  if (pending_ == 0) {
    state_ = State::closing;
    send(out, CommandId::ftpput, "AT+FTPPUT=2,0");
    return;
  }
  state_ = State::writing;
  requested_ = std::min(pending_, limit);
  consumed_ = 0;
  go_ahead_seen_ = false;
  send(out, CommandId::ftpput, format_line("AT+FTPPUT=2,", {requested_}));
}

void PutFsm::on_command_done(const Event& ev, Actions& out) {
  switch (state_) {
    case State::opening:
      if (ev.ec) {
        complete(out, ev.ec);
      } else {
        wait_ready(out);
      }
      break;
    case State::writing:
      // Only now may the written bytes go: write_data's view stayed valid until this event.
      if (consumed_ > 0) {
        std::memmove(buf_.data(), buf_.data() + consumed_, pending_ - consumed_);
        pending_ -= consumed_;
        consumed_ = 0;
      }
      if (data_error_) {
        fail(out, data_error_);
      } else if (ev.ec) {
        fail(out, ev.ec);
      } else {
        wait_ready(out);
      }
      break;
    case State::closing:
      if (ev.ec) {
        fail(out, ev.ec);
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

void PutFsm::on_session_urc(std::uint64_t code, const at::ResponseFields& fields, Actions& out) {
  if (code == 1) {
    // `1,1,<max>`; without <max> keep the last one, else the examples' 1360 (§8 Q2).
    if (const auto m = fields.number(2); m && *m > 0) {
      max_ = static_cast<std::size_t>(std::min<std::uint64_t>(*m, kMaxChunkBytes));
    } else if (max_ == 0) {
      max_ = kDefaultChunkBytes;
    }
    switch (state_) {
      case State::waiting_ready:
        disarm(out);
        next_chunk(out);
        break;
      case State::writing: ready_seen_ = true; break;  // proceed at the write's OK
      case State::idle:
      case State::opening:
      case State::closing:
      case State::waiting_result: break;
    }
    return;
  }
  // code == 0: the upload is closed.
  switch (state_) {
    case State::waiting_result: complete(out, {}); break;
    case State::closing: closed_seen_ = true; break;
    // Closed before we sent `=2,0`: the server's file may lack data we still hold.
    case State::waiting_ready:
    case State::writing: complete(out, make_error_code(AtErrc::protocol_error)); break;
    case State::idle:
    case State::opening: break;
  }
}

void PutFsm::on_data_request(const Event& ev, Actions& out) {
  if (ev.type != EventType::go_ahead || state_ != State::writing || go_ahead_seen_) {
    if (ev.type == EventType::go_ahead && ev.count == 0) {
      emit(out, Action::write_data({}));  // nothing asked, nothing to give
      return;
    }
    SessionOpBase::on_data_request(ev, out);
    return;
  }
  go_ahead_seen_ = true;
  if (ev.count <= requested_) {
    // Also while aborting: the modem waits in its data phase for exactly these bytes.
    consumed_ = ev.count;
    written_ += ev.count;
    emit(out, Action::write_data(std::span<const std::byte>(buf_.data(), ev.count)));
    if (running()) emit(out, Action::progress(static_cast<std::size_t>(written_)));
    return;
  }
  // More than requested: pad with zeros so the modem leaves its data phase (then quit the
  // session, so the padding never completes a file); beyond the buffer nothing can be done.
  const std::size_t n = std::min(ev.count, buf_.size());
  std::fill(buf_.begin() + static_cast<std::ptrdiff_t>(requested_), buf_.begin() + static_cast<std::ptrdiff_t>(n),
            std::byte{0});
  consumed_ = pending_;
  data_error_ = make_error_code(AtErrc::protocol_error);
  emit(out, Action::write_data(std::span<const std::byte>(buf_.data(), n)));
}

}  // namespace sim7080::ftp
