#include "ftp/extget_file_fsm.hpp"

#include "at/response_fields.hpp"
#include "sim7080/error.hpp"

namespace sim7080::ftp {

const char* to_string(ExtGetFileFsm::State s) noexcept {
  switch (s) {
    case ExtGetFileFsm::State::idle: return "idle";
    case ExtGetFileFsm::State::opening: return "opening";
    case ExtGetFileFsm::State::downloading: return "downloading";
    case ExtGetFileFsm::State::checking: return "checking";
  }
  return "?";
}

ExtGetFileFsm::ExtGetFileFsm(int directory, std::string file_name, std::chrono::milliseconds session_timeout)
    : SessionOpBase("ExtGetFileFsm", CommandId::ftpextget, "+FTPEXTGETFILE", session_timeout),
      open_line_("AT+FTPEXTGET=2," + std::to_string(directory) + ",\"" + file_name + "\"") {}

const char* ExtGetFileFsm::state_label() const noexcept { return to_string(state_); }

void ExtGetFileFsm::on_start(Actions& out) {
  state_ = State::opening;
  send_open(out, CommandId::ftpextget, open_line_);
}

void ExtGetFileFsm::on_command_done(const Event& ev, Actions& out) {
  if (ev.ec) return complete(out, ev.ec);  // ERROR: bad arguments or the file already exists
  if (state_ == State::opening) {
    state_ = State::downloading;
    arm_session_timeout(out);
    return;
  }
  if (state_ != State::checking) return;
  if (!fs_status_ || !ftp_status_ || !size_) return complete(out, make_error_code(AtErrc::protocol_error));
  if (*ftp_status_ != 0) return complete(out, make_ftp_error(static_cast<int>(*ftp_status_)));
  // The URC said done, so the file system must agree; "still downloading" contradicts it.
  if (*fs_status_ != 0) return complete(out, make_error_code(AtErrc::protocol_error));
  complete(out, {});
}

void ExtGetFileFsm::on_reply_line(std::string_view line, Actions&) {
  if (state_ != State::checking || !at::has_prefix(line, "+FTPTOFSST")) return;
  const auto f = at::parse_response(line);
  if (!f || f->count != 3) return;
  fs_status_ = f->number(0);
  ftp_status_ = f->number(1);
  size_ = f->number(2);
}

void ExtGetFileFsm::on_session_urc(std::uint64_t code, const at::ResponseFields&, Actions& out) {
  if (code != 0 || state_ != State::downloading) return;
  disarm(out);
  state_ = State::checking;
  send(out, CommandId::ftptofsst, "AT+FTPTOFSST");
}

}  // namespace sim7080::ftp
