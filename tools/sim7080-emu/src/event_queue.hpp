// Worker threads (libcurl transfers) report to the single-threaded modem core through this
// queue; a self-pipe wakes the main loop's poll().
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace sim7080emu {

struct FtpResult {
  int code = 0;            // 0 success, else §5.1 session error code
  std::uint64_t size = 0;  // FTPSIZE / bytes transferred
  std::string mdtm;        // FTPMDTM timestamp
};

struct Event {
  enum class Type { DataAvailable, WantData, Done };
  std::uint64_t session = 0;
  Type type = Type::Done;
  std::uint64_t value = 0;  // WantData: upload bytes consumed so far
  FtpResult result;
};

class EventQueue {
 public:
  EventQueue();
  ~EventQueue();
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  void post(Event e);
  std::vector<Event> drain();
  int fd() const { return rd_; }

 private:
  std::mutex m_;
  std::deque<Event> q_;
  int rd_ = -1, wr_ = -1;
};

}  // namespace sim7080emu
