#include "transfer.hpp"

namespace sim7080emu {

Transfer::Transfer(std::uint64_t s, EventQueue& events, std::size_t cap)
    : session(s), events_(events), down_cap_(cap) {}

bool Transfer::push_download(const char* p, std::size_t n) {
  while (n > 0) {
    bool was_empty;
    std::size_t take;
    {
      std::unique_lock lk(m_);
      cv_.wait(lk, [&] { return aborted_ || down_.size() < down_cap_; });
      if (aborted_) return false;
      was_empty = down_.empty();
      take = std::min(n, down_cap_ - down_.size());
      down_.insert(down_.end(), p, p + take);
    }
    p += take;
    n -= take;
    // Level changes only: the core re-checks the buffer itself, so one wake-up suffices.
    if (was_empty) events_.post({session, Event::Type::DataAvailable, 0, {}});
  }
  return true;
}

std::string Transfer::pop_download(std::size_t max) {
  std::string out;
  {
    std::lock_guard lk(m_);
    std::size_t n = std::min(max, down_.size());
    out.assign(down_.begin(), down_.begin() + static_cast<std::ptrdiff_t>(n));
    down_.erase(down_.begin(), down_.begin() + static_cast<std::ptrdiff_t>(n));
  }
  cv_.notify_all();
  return out;
}

std::size_t Transfer::available() {
  std::lock_guard lk(m_);
  return down_.size();
}

void Transfer::push_upload(std::string_view bytes) {
  {
    std::lock_guard lk(m_);
    up_.insert(up_.end(), bytes.begin(), bytes.end());
  }
  pushed_ += bytes.size();
  cv_.notify_all();
}

std::size_t Transfer::upload_queued() {
  std::lock_guard lk(m_);
  return up_.size();
}

void Transfer::finish_upload() {
  {
    std::lock_guard lk(m_);
    up_finished_ = true;
  }
  cv_.notify_all();
}

std::optional<std::size_t> Transfer::pull_upload(char* out, std::size_t max) {
  std::unique_lock lk(m_);
  if (up_.empty() && !up_finished_ && !aborted_) {
    // About to starve: tell the core everything so far was consumed, so it can announce
    // "+FTPPUT: 1,1,<max>" (ready for the next chunk).
    std::uint64_t c = consumed_;
    lk.unlock();
    events_.post({session, Event::Type::WantData, c, {}});
    lk.lock();
  }
  cv_.wait(lk, [&] { return aborted_ || up_finished_ || !up_.empty(); });
  if (aborted_) return std::nullopt;
  std::size_t n = std::min(max, up_.size());
  std::copy(up_.begin(), up_.begin() + static_cast<std::ptrdiff_t>(n), out);
  up_.erase(up_.begin(), up_.begin() + static_cast<std::ptrdiff_t>(n));
  consumed_ += n;
  return n;
}

void Transfer::abort() {
  {
    std::lock_guard lk(m_);
    aborted_ = true;
  }
  cv_.notify_all();
}

}  // namespace sim7080emu
