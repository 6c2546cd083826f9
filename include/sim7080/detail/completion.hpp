#pragma once
/// @file detail/completion.hpp
/// The only template machinery of the public API. Asio 1.22 has no any_completion_handler, so
/// an operation's handler is type-erased here and handed to the non-template implementation
/// in src/. Completion is always posted to the handler's associated executor (never invoked
/// inline), and the handler's cancellation slot is forwarded to the implementation.
#include <memory>
#include <system_error>
#include <tuple>
#include <utility>

#include "asio/any_io_executor.hpp"
#include "asio/associated_cancellation_slot.hpp"
#include "asio/associated_executor.hpp"
#include "asio/cancellation_signal.hpp"
#include "asio/executor_work_guard.hpp"
#include "asio/post.hpp"

namespace sim7080::detail {

/// A move-only, type-erased completion handler for `void(std::error_code, Args...)`.
template <class... Args>
class Completion {
 public:
  Completion() = default;

  template <class Handler>
  Completion(Handler&& handler, const asio::any_io_executor& io_executor)
      : impl_(std::make_unique<Impl<std::decay_t<Handler>>>(std::forward<Handler>(handler), io_executor)) {}

  explicit operator bool() const noexcept { return impl_ != nullptr; }

  /// Posts the handler with these arguments to its associated executor. Call once.
  void complete(std::error_code ec, Args... args) {
    auto impl = std::move(impl_);
    impl->post(ec, std::move(args)...);
  }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void post(std::error_code ec, Args... args) = 0;
  };

  template <class Handler>
  struct Impl final : Base {
    Impl(Handler&& h, const asio::any_io_executor& io)
        : handler(std::move(h)),
          work(asio::make_work_guard(asio::get_associated_executor(handler, io))) {}
    void post(std::error_code ec, Args... args) override {
      auto ex = work.get_executor();
      asio::post(ex, [h = std::move(handler), ec, tup = std::make_tuple(std::move(args)...)]() mutable {
        std::apply([&](auto&&... a) { std::move(h)(ec, std::move(a)...); }, std::move(tup));
      });
      work.reset();
    }
    Handler handler;
    asio::executor_work_guard<asio::associated_executor_t<Handler, asio::any_io_executor>> work;
  };

  std::unique_ptr<Base> impl_;
};

}  // namespace sim7080::detail
