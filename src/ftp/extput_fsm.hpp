#pragma once
// AT+FTPEXTPUT (spec §3.19): the file is staged in the module's RAM, then uploaded in one go.
//
//   AT+FTPEXTPUT=1 → OK → per chunk (≤ 4096, contiguous from 0):
//     AT+FTPEXTPUT=2,<pos>,<len>,10000 → go_ahead(count == len) → write_data → OK
//   → AT+FTPPUT=1 → OK → (deadline) `+FTPPUT: 1,0` → AT+FTPEXTPUT=0 → done
// AT+FTPEXTPUT=0 is sent before done in every case once the operation started (failure, cancel,
// timeout too): otherwise later plain uploads would send the stale RAM buffer.
// The module's RAM holds at most 300 000 bytes (§8 Q8): use put or etput for larger files. A
// source whose size() says more fails before anything is staged; one without a size fails when
// the limit is crossed while loading; both with AtErrc::invalid_argument (after `=0`).
// A go-ahead whose count differs from <len> is a protocol error (fewer: those bytes are
// written; more: zero padding ends the modem's data phase; nothing is uploaded either way).
// An empty source is staged as nothing and AT+FTPPUT=1 still runs; what the module uploads then
// is undocumented.
#include <chrono>
#include <cstdint>
#include <vector>

#include "ftp/byte_source.hpp"
#include "ftp/session_op_base.hpp"

namespace sim7080::ftp {

class ExtPutFsm final : public SessionOpBase {
 public:
  enum class State : std::uint8_t {
    idle,       // before start
    enabling,   // AT+FTPEXTPUT=1 in flight
    loading,    // AT+FTPEXTPUT=2,<pos>,<len>,<to> in flight
    opening,    // AT+FTPPUT=1 in flight (uploads the RAM buffer)
    uploading,  // waiting (deadline) for `+FTPPUT: 1,0`
  };
  static constexpr std::size_t kChunkBytes = 4096;
  static constexpr std::uint64_t kMaxTotalBytes = 300000;  // the module's RAM buffer (§8 Q8)
  static constexpr unsigned kLoadTimeoutMs = 10000;          // <timeout> of each load

  // `source` must outlive the FSM.
  explicit ExtPutFsm(ByteSource& source, std::chrono::milliseconds session_timeout = kSessionUrcTimeout);

  // Bytes staged in the module's RAM (all of them are uploaded on success).
  std::uint64_t bytes_written() const noexcept { return pos_; }
  State state() const noexcept { return state_; }

 protected:
  void on_start(Actions& out) override;
  void on_command_done(const Event& ev, Actions& out) override;
  void on_session_urc(std::uint64_t code, const at::ResponseFields& fields, Actions& out) override;
  void on_data_request(const Event& ev, Actions& out) override;
  std::optional<CleanupCommand> cleanup_command() const noexcept override {
    return CleanupCommand{CommandId::ftpextput, "AT+FTPEXTPUT=0"};
  }
  const char* state_label() const noexcept override;

 private:
  void load_next(Actions& out);

  ByteSource& source_;
  std::vector<std::byte> buf_;
  std::size_t len_ = 0;  // <len> of the load in flight
  std::uint64_t pos_ = 0;
  bool go_ahead_seen_ = false;
  bool source_end_ = false;
  std::error_code data_error_{};
  State state_ = State::idle;
};

const char* to_string(ExtPutFsm::State s) noexcept;

}  // namespace sim7080::ftp
