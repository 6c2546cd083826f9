#pragma once
// The shell around one FTP operation: it writes the planned setters (updating the settings
// cache on each OK), then drives the operation's FSM, turning its actions into channel
// submissions, deadlines and sink writes, and channel callbacks, URCs, link events and
// deadlines back into FSM events. The FSM decides; the runner only carries out.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "at/command_channel.hpp"
#include "at/deadline_timer.hpp"
#include "ftp/config_plan.hpp"
#include "ftp/fsm.hpp"

namespace sim7080::ftp {

class OpRunner final : public std::enable_shared_from_this<OpRunner>,
                       private at::RequestObserver,
                       private at::StreamObserver {
 public:
  struct Hooks {
    // Bytes for the user's sink; an error aborts the operation with that error.
    std::function<std::error_code(std::span<const std::byte>)> deliver;
    std::function<void(std::uint64_t bytes_done)> progress;
    // Runs once, posted (never inside a channel callback), with the operation's result.
    std::function<void(std::error_code, Fsm&)> done;
  };

  OpRunner(at::CommandChannel& channel, std::unique_ptr<at::DeadlineTimer> timer, ModemFtpSettings& cache,
           std::vector<SetterStep> setters, std::unique_ptr<Fsm> fsm, Hooks hooks);
  ~OpRunner();

  // Caps every command's deadline (setters and the FSM's commands); quick commands keep their
  // shorter table deadline. Call before start().
  void set_command_timeout(std::chrono::milliseconds cap) noexcept { request_.timeout = cap; }
  void start();
  // Cancels: during the setters the pending one is dropped; later the FSM runs its abort.
  void cancel();
  Fsm& fsm() noexcept { return *fsm_; }

 private:
  void next_setter();
  void start_fsm();
  void feed(const Event& ev);
  void execute(const Actions& actions);
  void submit(CommandId id, std::string_view line, std::uint64_t payload_max = 0);
  void finish(std::error_code ec);

  // at::RequestObserver
  void on_reply_line(std::string_view line) override;
  void on_payload(std::span<const std::byte> bytes) override;
  void on_payload_end() override;
  std::span<const std::byte> on_go_ahead(std::size_t count) override;
  std::span<const std::byte> on_stream_chunk() override;
  void on_complete(std::error_code ec) override;
  // at::StreamObserver
  void on_stream_payload(std::span<const std::byte> bytes) override;
  void on_stream_end() override;

  at::CommandChannel& channel_;
  std::unique_ptr<at::DeadlineTimer> timer_;
  ModemFtpSettings& cache_;
  std::vector<SetterStep> setters_;
  std::size_t next_setter_ = 0;
  std::unique_ptr<Fsm> fsm_;
  Hooks hooks_;

  at::Request request_;
  bool in_flight_ = false;
  bool in_setters_ = true;
  bool cancelled_ = false;
  bool finished_ = false;
  struct PendingSend {
    CommandId id;
    std::string line;
    std::uint64_t payload_max;
  };
  std::deque<PendingSend> pending_;
  std::span<const std::byte> data_reply_;
  std::error_code sink_error_;
  std::vector<at::UrcSubscription> urcs_;
  std::uint64_t link_listener_ = 0;
  std::shared_ptr<OpRunner> self_;  // alive until done has been posted
};

}  // namespace sim7080::ftp
