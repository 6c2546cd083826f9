// State shared between the modem core (main thread) and one libcurl worker: the bounded
// download buffer of the module, the upload queue, abort flag and byte counters.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "event_queue.hpp"

namespace sim7080emu {

// Module RAM used by FTPEXTPUT / FTPEXTGET; outlives sessions (freed by =0 or reboot).
struct RamBuffer {
  std::mutex m;
  std::vector<char> data;
};

class Transfer {
 public:
  Transfer(std::uint64_t session, EventQueue& events, std::size_t download_capacity);

  // ---- download direction (worker produces, main consumes) ----
  // Blocks while the buffer is full (so curl's write callback stalls: back-pressure to the
  // server like a real module). Returns false when aborted.
  bool push_download(const char* p, std::size_t n);
  std::string pop_download(std::size_t max);
  std::size_t available();

  // ---- upload direction (main produces, worker consumes) ----
  void push_upload(std::string_view bytes);
  void finish_upload();
  // Blocks until data, finish (returns 0) or abort (returns nullopt).
  std::optional<std::size_t> pull_upload(char* out, std::size_t max);
  std::uint64_t upload_pushed() const { return pushed_; }
  std::size_t upload_queued();  // pushed, not yet taken by the worker

  void abort();
  bool aborted() const { return aborted_.load(); }

  const std::uint64_t session;
  std::atomic<std::uint64_t> progress{0};  // bytes moved by curl so far
  // Per-transfer --drop-after-bytes budget (set before the worker starts).
  std::optional<std::uint64_t> drop_after;
  std::atomic<bool> dropped{false};

 private:
  EventQueue& events_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<char> down_;
  std::size_t down_cap_;
  std::deque<char> up_;
  bool up_finished_ = false;
  std::uint64_t pushed_ = 0;    // main thread only
  std::uint64_t consumed_ = 0;  // guarded by m_
  std::atomic<bool> aborted_{false};
};

}  // namespace sim7080emu
