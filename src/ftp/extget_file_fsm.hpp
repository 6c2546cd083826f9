#pragma once
// AT+FTPEXTGET=2: the module downloads GETPATH/GETNAME into its own file system (up to
// 5 800 000 bytes, spec §3.23), reports `+FTPEXTGETFILE: 1,<x>` (or, on some firmware,
// `+FTPEXTGET: 1,<x>`, spec Q14), and AT+FTPTOFSST confirms status and size (§3.30). No byte
// crosses the serial line. An existing target file makes the module answer ERROR.
#include <cstdint>
#include <optional>
#include <string>

#include "ftp/session_op_base.hpp"

namespace sim7080::ftp {

class ExtGetFileFsm final : public SessionOpBase {
 public:
  enum class State : std::uint8_t { idle, opening, downloading, checking };

  // `directory` 0 /custapp/, 1 /fota/, 2 /datatx/, 3 /customer/; `file_name` ≤ 50 characters,
  // already validated.
  ExtGetFileFsm(int directory, std::string file_name, std::chrono::milliseconds session_timeout = kSessionUrcTimeout);

  // The size AT+FTPTOFSST reported, once done.
  std::optional<std::uint64_t> file_size() const noexcept { return size_; }
  State state() const noexcept { return state_; }

 protected:
  void on_start(Actions& out) override;
  void on_command_done(const Event& ev, Actions& out) override;
  void on_reply_line(std::string_view line, Actions& out) override;
  void on_session_urc(std::uint64_t code, const at::ResponseFields& fields, Actions& out) override;
  const char* state_label() const noexcept override;

 private:
  std::string open_line_;
  State state_ = State::idle;
  std::optional<std::uint64_t> fs_status_;
  std::optional<std::uint64_t> ftp_status_;
  std::optional<std::uint64_t> size_;
};

const char* to_string(ExtGetFileFsm::State s) noexcept;

}  // namespace sim7080::ftp
