#pragma once
// One command, its information lines and its final result, as a callback: the building
// block of the initialisation and bearer sequences and of Modem::async_command.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "at/command_channel.hpp"

namespace sim7080::at {

using CallDone = std::function<void(std::error_code, std::vector<std::string> lines)>;

// Cancels the call if it is still pending; harmless afterwards.
class CallHandle {
 public:
  CallHandle() = default;
  explicit CallHandle(std::weak_ptr<void> state, std::function<void()> cancel)
      : state_(std::move(state)), cancel_(std::move(cancel)) {}
  void cancel() {
    if (!state_.expired() && cancel_) cancel_();
  }

 private:
  std::weak_ptr<void> state_;
  std::function<void()> cancel_;
};

// Submits `line` with `spec` (its timeout replaced by `timeout` when non-zero). Lines that are
// replies by the spec's rule are collected; with an empty reply prefix, no lines are.
// `data` (valid until done runs) is written when the modem asks for it (a `DOWNLOAD` prompt or
// a go-ahead line).
CallHandle call(CommandChannel& channel, std::string line, const CommandSpec& spec, CallDone done,
                std::chrono::milliseconds timeout = std::chrono::milliseconds{0},
                std::span<const std::byte> data = {});

}  // namespace sim7080::at
