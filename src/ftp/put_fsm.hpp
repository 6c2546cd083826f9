#pragma once
// AT+FTPPUT (spec §3.15): a chunked upload paced by the module.
//
//   AT+FTPPUT=1 → OK → `+FTPPUT: 1,1,<max>` → read up to max bytes from the source
//     non-empty: AT+FTPPUT=2,<len> → go_ahead(count ≤ len) → write_data(count bytes) → OK
//                → wait (deadline) for the next `1,1,<max>` → ...
//     source exhausted: AT+FTPPUT=2,0 → OK → `+FTPPUT: 1,0` → done (only now is it uploaded)
// Quirks: `+FTPPUT: 1,1` without <max> keeps the previous maximum, else 1360 (§8 Q2); the latest
// <max> wins; the go-ahead may grant fewer bytes than requested — the rest stays in the buffer
// for the next round; a go-ahead granting more than requested is a protocol error (answered with
// zero padding so the modem's data phase ends, then the session is quit).
// The chunk buffer (kMaxChunkBytes) is allocated once, in the constructor.
#include <chrono>
#include <cstdint>
#include <vector>

#include "ftp/byte_source.hpp"
#include "ftp/session_op_base.hpp"

namespace sim7080::ftp {

class PutFsm final : public SessionOpBase {
 public:
  enum class State : std::uint8_t {
    idle,            // before start
    opening,         // AT+FTPPUT=1 in flight
    waiting_ready,   // waiting (deadline) for `+FTPPUT: 1,1,<max>`
    writing,         // AT+FTPPUT=2,<len> in flight (go-ahead, bytes, OK)
    closing,         // AT+FTPPUT=2,0 in flight
    waiting_result,  // waiting (deadline) for `+FTPPUT: 1,0`
  };
  static constexpr std::size_t kMaxChunkBytes = 1460;      // the largest <reqlength> (test form)
  static constexpr std::size_t kDefaultChunkBytes = 1360;  // every URC example's <maxlength>

  // `source` must outlive the FSM.
  explicit PutFsm(ByteSource& source, std::chrono::milliseconds session_timeout = kSessionUrcTimeout);

  // Bytes the modem took (sum of the go-ahead counts).
  std::uint64_t bytes_written() const noexcept { return written_; }
  // The module's latest <maxlength> (0 before the first `1,1`).
  std::size_t max_chunk_bytes() const noexcept { return max_; }
  State state() const noexcept { return state_; }

 protected:
  void on_start(Actions& out) override;
  void on_command_done(const Event& ev, Actions& out) override;
  void on_session_urc(std::uint64_t code, const at::ResponseFields& fields, Actions& out) override;
  void on_data_request(const Event& ev, Actions& out) override;
  const char* state_label() const noexcept override;

 private:
  void next_chunk(Actions& out);
  void wait_ready(Actions& out);

  ByteSource& source_;
  std::vector<std::byte> buf_;
  std::size_t pending_ = 0;    // bytes at the front of buf_ not yet taken by the modem
  std::size_t requested_ = 0;  // <len> of the AT+FTPPUT=2 in flight
  std::size_t consumed_ = 0;   // bytes of buf_ taken by its go-ahead (dropped at its OK)
  bool go_ahead_seen_ = false;
  bool source_end_ = false;
  bool ready_seen_ = false;   // `1,1` overtook the OK of AT+FTPPUT=2,<len>
  bool closed_seen_ = false;  // `1,0` overtook the OK of AT+FTPPUT=2,0
  std::error_code data_error_{};
  std::size_t max_ = 0;
  std::uint64_t written_ = 0;
  State state_ = State::idle;
};

const char* to_string(PutFsm::State s) noexcept;

}  // namespace sim7080::ftp
