#pragma once
// A short chain of commands, pauses and URC waits, cancellable as one operation: the
// initialisation and bearer flows and single commands run on it.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/modem_impl.hpp"
#include "asio/cancellation_signal.hpp"
#include "at/command_call.hpp"
#include "at/urc_router.hpp"
#include "ftp/command_table.hpp"

namespace sim7080 {

// Completions are move-only; std::function needs copyable targets: share them.
template <class C>
std::shared_ptr<C> share(C c) {
  return std::make_shared<C>(std::move(c));
}

class Sequence : public std::enable_shared_from_this<Sequence> {
 public:
  using Done = std::function<void(std::error_code)>;

  static std::shared_ptr<Sequence> create(Modem::Impl& modem, asio::cancellation_slot slot);
  explicit Sequence(Modem::Impl& modem) : modem_(modem) {}

  // Runs one command; after a cancellation, completes with operation_aborted without sending.
  void call(std::string line, const at::CommandSpec& spec, std::chrono::milliseconds timeout, at::CallDone done,
            std::span<const std::byte> data = {});
  void call(std::string line, const at::CommandSpec& spec, at::CallDone done) {
    call(std::move(line), spec, std::chrono::milliseconds{0}, std::move(done));
  }
  // Runs commands that only need OK, in order, stopping at the first error.
  void run_steps(std::vector<std::pair<std::string, ftp::CommandId>> steps, Done done);
  // Calls fn after a pause (fn does not run if cancelled meanwhile: done-style callers check).
  void after(std::chrono::milliseconds pause, std::function<void()> fn);
  // Watches for a URC starting with `prefix` for which `match` is true. Call before sending
  // the command that causes it: a URC that arrives before wait_urc() is remembered.
  void watch_urc(std::string prefix, std::function<bool(std::string_view)> match);
  // Waits for the watched URC; timeout → AtErrc::timeout.
  void wait_urc(std::chrono::milliseconds timeout, Done done);
  bool cancelled() const noexcept { return cancelled_; }
  // Releases the cancellation slot and timers; call once before completing the user's handler.
  void finish();

 private:
  void on_cancel();

  Modem::Impl& modem_;
  asio::cancellation_slot slot_;
  bool cancelled_ = false;
  bool finished_ = false;
  at::CallHandle current_;
  std::unique_ptr<at::DeadlineTimer> timer_;
  at::UrcSubscription urc_;
  Done urc_done_;
  bool urc_seen_ = false;
};

}  // namespace sim7080
