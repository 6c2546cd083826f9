#pragma once
// AT+FTPGET (spec §3.14) and AT+FTPLIST (§3.22): a session opened with `=1`, then polled reads
// `=2,1460`, each answered by `+<CMD>: 2,<n>`, n counted bytes and OK. The two commands follow
// the same rules, so one machine serves both, parameterised by the command.
//
//   AT+<CMD>=1 → OK → (≤ session timeout) `1,1` → AT+<CMD>=2,1460 → `2,n` + n bytes → OK
//     n > 0: read again at once; n == 0: nothing buffered *now* (§8 Q9): wait for the next `1,1`
//   `1,0` ends the transfer: success (AtErrc::truncated if fewer bytes than expected arrived).
// Quirks handled: `1,1` is a level-triggered hint, ignored while a read is outstanding and never
// counted (§8 Q10); a `1,0` overtaking a read in flight is remembered, and that read may then
// answer ERROR (the session closed under it) — still success; a read answered ERROR with no
// `1,0` seen waits for the session URC, which tells the outcome; `2,n` with n > 1460 reaches us
// as a protocol_error command_done (the channel refuses the payload) and aborts.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "ftp/session_op_base.hpp"

namespace sim7080::ftp {

class ChunkedReadFsm : public SessionOpBase {
 public:
  enum class State : std::uint8_t {
    idle,             // before start
    opening,          // AT+<CMD>=1 in flight
    waiting_data,     // session open, waiting (deadline) for `1,1` or `1,0`
    reading,          // AT+<CMD>=2,1460 in flight
    waiting_outcome,  // a read failed with ERROR: waiting (deadline) for the session's verdict
  };
  static constexpr std::size_t kReadBytes = 1460;  // the largest <reqlength> the module accepts

  // `cmd` is CommandId::ftpget or CommandId::ftplist (anything else completes with
  // AtErrc::invalid_argument at start). `expected_bytes`, when known (FTPSIZE minus the resume
  // offset), turns a short transfer into AtErrc::truncated.
  ChunkedReadFsm(CommandId cmd, std::optional<std::uint64_t> expected_bytes,
                 std::chrono::milliseconds session_timeout = kSessionUrcTimeout);

  std::uint64_t bytes_delivered() const noexcept { return delivered_; }
  std::optional<std::uint64_t> expected_bytes() const noexcept { return expected_; }
  CommandId command() const noexcept { return cmd_; }
  State state() const noexcept { return state_; }

 protected:
  void on_start(Actions& out) override;
  void on_command_done(const Event& ev, Actions& out) override;
  void on_reply_line(std::string_view line, Actions& out) override;
  void on_payload(std::span<const std::byte> bytes, Actions& out) override;
  void on_payload_end(Actions& out) override;
  void on_session_urc(std::uint64_t code, const at::ResponseFields& fields, Actions& out) override;
  const char* state_label() const noexcept override;

 private:
  void read(Actions& out);
  void finish_transfer(Actions& out);

  CommandId cmd_;
  std::optional<std::uint64_t> expected_;
  std::string open_line_;
  std::string read_line_;
  State state_ = State::idle;
  bool closed_seen_ = false;  // `1,0` arrived while a read was in flight
  bool header_seen_ = false;  // this read's `2,n` arrived
  std::uint64_t announced_ = 0;
  std::uint64_t received_ = 0;  // bytes of this read
  std::uint64_t delivered_ = 0;
};

const char* to_string(ChunkedReadFsm::State s) noexcept;

// AT+FTPGET: downloads GETPATH/GETNAME (after AT+FTPREST=<offset>).
class GetFsm final : public ChunkedReadFsm {
 public:
  explicit GetFsm(std::optional<std::uint64_t> expected_bytes = std::nullopt,
                  std::chrono::milliseconds session_timeout = kSessionUrcTimeout)
      : ChunkedReadFsm(CommandId::ftpget, expected_bytes, session_timeout) {}
};

}  // namespace sim7080::ftp
