#pragma once
// AT+FTPETPUT (spec §3.24): the file goes up as one transparent stream.
//
//   AT+FTPETPUT=1 → OK → (deadline) `+FTPETPUT: 1,1` → AT+FTPETPUT=2 → stream_chunk events,
//   each answered with write_data of the next raw chunk (≤ 4096; the channel DLE-escapes it and
//   has already swallowed the optional OK and waited for `+FTPETPUT: 2,1`, §8 Q4) → an empty
//   write_data ends the stream (the channel writes the bare ETX) → OK → (deadline)
//   `+FTPETPUT: 1,0` → done
// A cancel or a source error during the stream ends the stream early (there is no other way out
// of data mode), then quits the session, which is still waiting to close the file; the server
// may keep the partial file.
#include <chrono>
#include <cstdint>
#include <vector>

#include "ftp/byte_source.hpp"
#include "ftp/session_op_base.hpp"

namespace sim7080::ftp {

class EtPutFsm final : public SessionOpBase {
 public:
  enum class State : std::uint8_t {
    idle,            // before start
    opening,         // AT+FTPETPUT=1 in flight
    waiting_ready,   // waiting (deadline) for `+FTPETPUT: 1,1`
    streaming,       // AT+FTPETPUT=2 in flight: stream_chunk events until our empty write
    waiting_result,  // waiting (deadline) for `+FTPETPUT: 1,0`
  };
  static constexpr std::size_t kChunkBytes = 4096;  // raw bytes per chunk (≤ 8193 escaped)

  // `source` must outlive the FSM.
  explicit EtPutFsm(ByteSource& source, std::chrono::milliseconds session_timeout = kSessionUrcTimeout);

  // Raw (unescaped) bytes handed to the channel.
  std::uint64_t bytes_written() const noexcept { return written_; }
  State state() const noexcept { return state_; }

 protected:
  void on_start(Actions& out) override;
  void on_command_done(const Event& ev, Actions& out) override;
  void on_session_urc(std::uint64_t code, const at::ResponseFields& fields, Actions& out) override;
  void on_data_request(const Event& ev, Actions& out) override;
  const char* state_label() const noexcept override;

 private:
  void start_stream(Actions& out);

  ByteSource& source_;
  std::vector<std::byte> buf_;
  bool closed_seen_ = false;   // `1,0` overtook the OK of AT+FTPETPUT=2
  bool source_end_ = false;
  bool stream_ended_ = false;  // we answered a stream_chunk with the empty write
  std::error_code data_error_{};
  std::uint64_t written_ = 0;
  State state_ = State::idle;
};

const char* to_string(EtPutFsm::State s) noexcept;

}  // namespace sim7080::ftp
