#include "at/command_call.hpp"

namespace sim7080::at {
namespace {

struct CallState final : RequestObserver, std::enable_shared_from_this<CallState> {
  Request request;
  CommandSpec spec;
  CallDone done;
  std::vector<std::string> lines;
  std::shared_ptr<CallState> self;  // alive until the channel completes the request
  CommandChannel* channel = nullptr;
  std::span<const std::byte> data;

  std::span<const std::byte> on_go_ahead(std::size_t count) override {
    return count <= data.size() ? data.first(count) : data;
  }

  void on_reply_line(std::string_view line) override { lines.emplace_back(line); }
  void on_complete(std::error_code ec) override {
    auto keep = std::move(self);
    auto fn = std::move(done);
    if (fn) fn(ec, std::move(lines));
  }
};

}  // namespace

CallHandle call(CommandChannel& channel, std::string line, const CommandSpec& spec, CallDone done,
                std::chrono::milliseconds timeout, std::span<const std::byte> data) {
  auto state = std::make_shared<CallState>();
  state->spec = spec;
  if (timeout.count() > 0) state->spec.timeout = timeout;
  state->request.line = std::move(line);
  state->request.spec = &state->spec;
  state->request.observer = state.get();
  state->done = std::move(done);
  state->data = data;
  state->request.data_length = data.size();
  state->self = state;
  state->channel = &channel;
  CallState* raw = state.get();
  channel.submit(state->request);
  return CallHandle(state, [raw] { raw->channel->cancel(raw->request); });
}

}  // namespace sim7080::at
