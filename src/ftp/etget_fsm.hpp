#pragma once
// AT+FTPETGET (spec §3.25): the file arrives as one DLE/ETX-framed transparent stream.
//
//   arm_stream(ftpetget), AT+FTPETGET=1 → OK → urc `+FTPETGET: 1,1` → payload... (already
//   un-escaped by the channel) → payload_end (the bare ETX) → urc `+FTPETGET: 1,0` → done
// `1,<e>` before or after the stream → make_ftp_error(e); the ETX is only the end of the stream,
// success is the `1,0` that follows (§3.25: a failure mid-stream presumably gives ETX, then
// `1,<e>`). The deadline (session timeout) is an inactivity timeout, re-armed on every piece.
// There is no abort path: AT+FTPQUIT cannot be sent while the module is in data mode, so a
// cancel stops delivering, keeps consuming the stream, and completes with operation_aborted
// after the final URC (or the deadline).
#include <chrono>
#include <cstdint>

#include "ftp/session_op_base.hpp"

namespace sim7080::ftp {

class EtGetFsm final : public SessionOpBase {
 public:
  enum class State : std::uint8_t {
    idle,            // before start
    opening,         // AT+FTPETGET=1 in flight, no header yet
    waiting_header,  // OK seen, waiting (deadline) for `1,1`
    streaming,       // header seen, bytes flowing until the ETX
    waiting_result,  // ETX seen, waiting (deadline) for `1,0` / `1,<e>`
  };

  explicit EtGetFsm(std::chrono::milliseconds session_timeout = kSessionUrcTimeout);

  // Bytes handed to the sink (none after a cancel).
  std::uint64_t bytes_delivered() const noexcept { return delivered_; }
  // Bytes of the stream received, delivered or not.
  std::uint64_t bytes_received() const noexcept { return received_; }
  State state() const noexcept { return state_; }

 protected:
  void on_start(Actions& out) override;
  void on_command_done(const Event& ev, Actions& out) override;
  void on_payload(std::span<const std::byte> bytes, Actions& out) override;
  void on_payload_end(Actions& out) override;
  void on_session_urc(std::uint64_t code, const at::ResponseFields& fields, Actions& out) override;
  void on_cancel(Actions& out) override;
  const char* state_label() const noexcept override;

 private:
  void watch_for_reboot(std::span<const std::byte> bytes) noexcept;
  State state_ = State::idle;
  std::uint64_t delivered_ = 0;
  std::uint64_t received_ = 0;
  // How much of "\r\nRDY\r\n" (a reboot's first URC) the stream has just shown, across chunks.
  std::size_t rdy_matched_ = 0;
  bool reboot_suspected_ = false;
};

const char* to_string(EtGetFsm::State s) noexcept;

}  // namespace sim7080::ftp
