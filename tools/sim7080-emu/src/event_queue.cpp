#include "event_queue.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>

namespace sim7080emu {

EventQueue::EventQueue() {
  int p[2];
  if (pipe2(p, O_NONBLOCK | O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
  rd_ = p[0];
  wr_ = p[1];
}

EventQueue::~EventQueue() {
  close(rd_);
  close(wr_);
}

void EventQueue::post(Event e) {
  {
    std::lock_guard lk(m_);
    q_.push_back(std::move(e));
  }
  char b = 1;
  [[maybe_unused]] auto r = write(wr_, &b, 1);  // full pipe is fine: a wake-up is pending
}

std::vector<Event> EventQueue::drain() {
  char buf[64];
  while (read(rd_, buf, sizeof buf) > 0) {
  }
  std::lock_guard lk(m_);
  std::vector<Event> out(std::make_move_iterator(q_.begin()), std::make_move_iterator(q_.end()));
  q_.clear();
  return out;
}

}  // namespace sim7080emu
