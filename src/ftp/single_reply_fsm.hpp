#pragma once
// The operations answered by one session URC (spec §3.16, §3.17, §3.20, §3.21, §3.27, §3.28):
// AT+FTPDELE, AT+FTPSIZE, AT+FTPMKD, AT+FTPRMD, AT+FTPRENAME, AT+FTPMDTM.
//
//   <command> → OK → (deadline) `+<CMD>: 1,0[,<value>]` → done, or `+<CMD>: 1,<e>[,...]` → e
// The second field decides first (§8 Q19), because failures differ in shape: `+FTPSIZE: 1,<e>,0`
// has three fields, `+FTPMDTM: 1,<e>` two. Success values: FTPSIZE `1,0,<size>` (64-bit), FTPMDTM
// `1,0,<YYYYMMDDhhmmss[.fff]>` (quoted or not; kept raw, parsed elsewhere). A success URC missing
// its value is AtErrc::protocol_error. The paths (GETPATH/GETNAME/PUTNAME) are set by the runner
// before; the FSM sends the bare execute form (§8 Q3).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ftp/session_op_base.hpp"

namespace sim7080::ftp {

class SingleReplyFsm final : public SessionOpBase {
 public:
  enum class State : std::uint8_t {
    idle,            // before start
    sending,         // the command in flight
    waiting_result,  // waiting (deadline) for the session URC
  };

  // `id` is one of ftpdele, ftpsize, ftpmkd, ftprmd, ftprename, ftpmdtm (others complete with
  // AtErrc::invalid_argument at start); `line` defaults to the bare command ("AT+FTPSIZE").
  explicit SingleReplyFsm(CommandId id, std::string line = {},
                          std::chrono::milliseconds session_timeout = kSessionUrcTimeout);

  CommandId command() const noexcept { return id_; }
  // FTPSIZE: the remote size in bytes, after success.
  std::optional<std::uint64_t> size() const noexcept { return size_; }
  // FTPMDTM: the server's raw timestamp without quotes ("20140409060951"), after success.
  std::string_view timestamp() const noexcept { return timestamp_; }
  State state() const noexcept { return state_; }

 protected:
  void on_start(Actions& out) override;
  void on_command_done(const Event& ev, Actions& out) override;
  void on_session_urc(std::uint64_t code, const at::ResponseFields& fields, Actions& out) override;
  const char* state_label() const noexcept override;

 private:
  CommandId id_;
  std::string line_;
  State state_ = State::idle;
  std::optional<std::uint64_t> size_;
  std::string timestamp_;
};

const char* to_string(SingleReplyFsm::State s) noexcept;

}  // namespace sim7080::ftp
