#include "ftp/single_reply_fsm.hpp"

#include "sim7080/error.hpp"

namespace sim7080::ftp {
namespace {

bool supported(CommandId id) noexcept {
  switch (id) {
    case CommandId::ftpdele:
    case CommandId::ftpsize:
    case CommandId::ftpmkd:
    case CommandId::ftprmd:
    case CommandId::ftprename:
    case CommandId::ftpmdtm: return true;
    default: return false;
  }
}

// Named after the command, so traces read "SizeFsm:waiting_result".
std::string_view fsm_name(CommandId id) noexcept {
  switch (id) {
    case CommandId::ftpdele: return "DeleFsm";
    case CommandId::ftpsize: return "SizeFsm";
    case CommandId::ftpmkd: return "MkdFsm";
    case CommandId::ftprmd: return "RmdFsm";
    case CommandId::ftprename: return "RenameFsm";
    case CommandId::ftpmdtm: return "MdtmFsm";
    default: return "SingleReplyFsm";
  }
}

}  // namespace

const char* to_string(SingleReplyFsm::State s) noexcept {
  switch (s) {
    case SingleReplyFsm::State::idle: return "idle";
    case SingleReplyFsm::State::sending: return "sending";
    case SingleReplyFsm::State::waiting_result: return "waiting_result";
  }
  return "?";
}

SingleReplyFsm::SingleReplyFsm(CommandId id, std::string line, std::chrono::milliseconds session_timeout)
    : SessionOpBase(fsm_name(id), id, session_timeout),
      id_(id),
      line_(line.empty() ? std::string(command_spec(id).name) : std::move(line)) {}

const char* SingleReplyFsm::state_label() const noexcept { return to_string(state_); }

void SingleReplyFsm::on_start(Actions& out) {
  if (!supported(id_)) {
    complete(out, make_error_code(AtErrc::invalid_argument));
    return;
  }
  state_ = State::sending;
  send_open(out, id_, line_);
}

void SingleReplyFsm::on_command_done(const Event& ev, Actions& out) {
  if (state_ != State::sending) return;
  if (ev.ec) {
    complete(out, ev.ec);
  } else {
    state_ = State::waiting_result;
    arm_session_timeout(out);
  }
}

void SingleReplyFsm::on_session_urc(std::uint64_t code, const at::ResponseFields& fields, Actions& out) {
  if (code != 0 || state_ != State::waiting_result) return;  // `1,1` is not part of these commands
  std::error_code ec;
  if (id_ == CommandId::ftpsize) {
    size_ = fields.number(2);
    if (!size_) ec = make_error_code(AtErrc::protocol_error);
  } else if (id_ == CommandId::ftpmdtm) {
    timestamp_ = std::string(fields.text(2));
    if (timestamp_.empty()) ec = make_error_code(AtErrc::protocol_error);
  }
  complete(out, ec);
}

}  // namespace sim7080::ftp
