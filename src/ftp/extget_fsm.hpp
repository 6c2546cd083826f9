#pragma once
// AT+FTPEXTGET into module RAM (spec §3.23): the module downloads the whole file first, then the
// host reads it out of RAM in counted chunks.
//
//   AT+FTPEXTGET=1 → OK → (deadline) `+FTPEXTGET: 1,0` → AT+FTPEXTGET? → `+FTPEXTGET: <mode>,<len>`
//   → AT+FTPEXTGET=3,<pos>,<min(16384,left)> → `+FTPEXTGET: 3,<n>` + n bytes → OK → ... (pos = len)
//   → AT+FTPEXTGET=0 → done
// AT+FTPEXTGET=0 is sent before done in every case once the operation started (failure, cancel,
// timeout too): it frees the RAM buffer and returns the module to plain FTPGET.
// No progress URC exists and a big file on a slow bearer takes longer than 75 s, so when the
// deadline passes during the download the FSM probes AT+FTPSTATE (not AT+FTPEXTGET?, whose reply
// cannot be told from the completion URC, §6.2): `1` = still busy → wait again (at most
// kMaxProbes times); `0` = the session ended and its URC was lost → AT+FTPEXTGET? and read the
// buffer if it holds bytes, else AtErrc::timeout.
// The module's RAM holds at most 300 000 bytes (§8 Q8); a larger file fails with the module's
// session error.
#include <chrono>
#include <cstdint>
#include <optional>

#include "ftp/session_op_base.hpp"

namespace sim7080::ftp {

class ExtGetFsm final : public SessionOpBase {
 public:
  enum class State : std::uint8_t {
    idle,            // before start
    opening,         // AT+FTPEXTGET=1 in flight
    downloading,     // waiting (deadline) for `+FTPEXTGET: 1,0`
    probing,         // AT+FTPSTATE in flight (the deadline passed while downloading)
    reading_length,  // AT+FTPEXTGET? in flight
    reading,         // AT+FTPEXTGET=3,<pos>,<len> in flight
  };
  static constexpr std::size_t kReadBytes = 16384;  // bounded chunks keep each read short
  static constexpr unsigned kMaxProbes = 10;        // ≈ 11 session timeouts for one download

  explicit ExtGetFsm(std::chrono::milliseconds session_timeout = kSessionUrcTimeout);

  std::uint64_t bytes_delivered() const noexcept { return pos_; }
  // The downloaded length the module reported (AT+FTPEXTGET?), once known.
  std::optional<std::uint64_t> total_bytes() const noexcept { return total_; }
  State state() const noexcept { return state_; }

 protected:
  void on_start(Actions& out) override;
  void on_command_done(const Event& ev, Actions& out) override;
  void on_reply_line(std::string_view line, Actions& out) override;
  void on_payload(std::span<const std::byte> bytes, Actions& out) override;
  void on_payload_end(Actions& out) override;
  void on_session_urc(std::uint64_t code, const at::ResponseFields& fields, Actions& out) override;
  void on_deadline(Actions& out) override;
  std::optional<CleanupCommand> cleanup_command() const noexcept override {
    return CleanupCommand{CommandId::ftpextget, "AT+FTPEXTGET=0"};
  }
  const char* state_label() const noexcept override;

 private:
  void read_length(Actions& out);
  void read_next(Actions& out);

  State state_ = State::idle;
  bool complete_seen_ = false;  // `1,0` arrived while AT+FTPSTATE was in flight
  bool urc_lost_ = false;       // AT+FTPSTATE said idle without a `1,0` seen
  unsigned probes_ = 0;
  std::optional<std::uint64_t> probe_state_;  // +FTPSTATE: <state> of the probe in flight
  std::optional<std::uint64_t> total_;
  std::uint64_t pos_ = 0;
  std::uint64_t requested_ = 0;  // this read's <len>
  std::optional<std::uint64_t> announced_;  // this read's `3,<n>`
  std::uint64_t received_ = 0;
};

const char* to_string(ExtGetFsm::State s) noexcept;

}  // namespace sim7080::ftp
