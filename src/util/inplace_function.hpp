#pragma once
// A std::function that never allocates: the callable lives inside the object, and a callable
// that does not fit is a compile error rather than a hidden heap allocation.
//
// Why: the I/O seams (ByteStream's read/write handlers, DeadlineTimer's expiry) are called once
// per serial read, write and command. libstdc++'s std::function stores a callable in place only
// when it is trivially copyable and at most 16 bytes, so a handler holding a shared_ptr (the
// command channel keeps itself alive that way) cost one heap allocation per read, per write and
// per command. This type keeps the same semantics (copyable, empty state, nullptr comparison)
// with a fixed inline capacity.
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace sim7080::util {

template <class Signature, std::size_t Capacity = 64>
class InplaceFunction;

template <class R, class... Args, std::size_t Capacity>
class InplaceFunction<R(Args...), Capacity> {
 public:
  InplaceFunction() noexcept = default;
  InplaceFunction(std::nullptr_t) noexcept {}  // NOLINT: implicit, as std::function

  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, InplaceFunction> && std::is_invocable_r_v<R, D&, Args...>>>
  InplaceFunction(F&& f) {  // NOLINT: implicit, as std::function
    static_assert(sizeof(D) <= Capacity, "callable too large for InplaceFunction: capture less (a pointer)");
    static_assert(alignof(D) <= alignof(std::max_align_t), "callable over-aligned for InplaceFunction");
    static_assert(std::is_nothrow_move_constructible_v<D>, "callable must be nothrow movable");
    static_assert(std::is_copy_constructible_v<D>, "callable must be copyable (as for std::function)");
    ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
    ops_ = &kOps<D>;
  }

  InplaceFunction(const InplaceFunction& other) : ops_(nullptr) {
    if (other.ops_) {
      other.ops_->copy(storage_, other.storage_);
      ops_ = other.ops_;
    }
  }
  InplaceFunction(InplaceFunction&& other) noexcept { take(other); }
  InplaceFunction& operator=(const InplaceFunction& other) {
    if (this != &other) {
      InplaceFunction copy(other);
      reset();
      take(copy);
    }
    return *this;
  }
  InplaceFunction& operator=(InplaceFunction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  InplaceFunction& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  ~InplaceFunction() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }
  friend bool operator==(const InplaceFunction& f, std::nullptr_t) noexcept { return !f; }

  // Calling an empty function is a programming error, as for std::function (which throws).
  R operator()(Args... args) const { return ops_->invoke(storage_, std::forward<Args>(args)...); }

 private:
  struct Ops {
    R (*invoke)(void*, Args&&...);
    void (*copy)(void* to, const void* from);
    void (*move)(void* to, void* from) noexcept;  // move-constructs, then destroys `from`
    void (*destroy)(void*) noexcept;
  };
  template <class D>
  static constexpr Ops kOps{
      [](void* p, Args&&... a) -> R { return (*static_cast<D*>(p))(std::forward<Args>(a)...); },
      [](void* to, const void* from) { ::new (to) D(*static_cast<const D*>(from)); },
      [](void* to, void* from) noexcept {
        ::new (to) D(std::move(*static_cast<D*>(from)));
        static_cast<D*>(from)->~D();
      },
      [](void* p) noexcept { static_cast<D*>(p)->~D(); },
  };

  void reset() noexcept {
    if (ops_) {
      const Ops* ops = ops_;
      ops_ = nullptr;  // a callable whose destructor re-enters sees an empty function
      ops->destroy(storage_);
    }
  }
  void take(InplaceFunction& other) noexcept {
    if (other.ops_) {
      other.ops_->move(storage_, other.storage_);
      ops_ = other.ops_;
      other.ops_ = nullptr;
    }
  }

  alignas(std::max_align_t) mutable unsigned char storage_[Capacity];
  const Ops* ops_ = nullptr;
};

}  // namespace sim7080::util
