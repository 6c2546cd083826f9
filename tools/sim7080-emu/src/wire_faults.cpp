// Fault injection on the module's output (tests/faults): --silent-after-bytes loses everything
// the module writes while it is silent; --split-sweep splits one transfer's output at a chosen
// byte and writes the second part only once the host has read the first, so the host sees the
// split as two read()s whatever its timing.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "wire_writer.hpp"

namespace sim7080emu {

void WireWriter::arm_split(std::uint64_t offset, std::uint64_t transfer) {
  split_ = Split{offset, offset, transfer};
}

bool WireWriter::fault_emit(std::string_view bytes) {
  if (silent_) return true;  // the module is silent: its output is lost
  if (!split_) return false;
  if (split_->left >= bytes.size()) {
    split_->left -= bytes.size();  // the split point lies further on (or right after these)
    return false;
  }
  // The split point is inside these bytes, or at their start (left == 0).
  const Split sp = *split_;
  split_.reset();
  const auto first = bytes.substr(0, static_cast<std::size_t>(sp.left));
  if (!first.empty()) emit(first);
  flush_all();
  wait_until_read();
  std::fprintf(stderr, "[emu] split: transfer %llu output split at byte %llu\n",
               static_cast<unsigned long long>(sp.transfer), static_cast<unsigned long long>(sp.offset));
  emit(bytes.substr(first.size()));
  return true;
}

void WireWriter::wait_until_read() {
  using namespace std::chrono_literals;
  if (probe_fd_ < 0) {
    // Our own descriptor on the slave: FIONREAD there counts what the host has not read yet.
    // Kept open for the emulator's lifetime (only with --split-sweep, which never combines
    // with --exit-on-hangup's need for no slave descriptor of ours).
    char name[256];
    if (::ptsname_r(fd_, name, sizeof name) == 0)
      probe_fd_ = ::open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  }
  // Bytes written to the master reach the slave's input queue shortly after (the tty flip
  // buffer is pushed by a kernel worker): wait until they were seen there and read again, or,
  // when they were never seen, a short while (the host may have read them before we looked).
  const auto start = Clock::now();
  bool seen = false;
  while (probe_fd_ >= 0) {
    int queued = 0;
    if (::ioctl(probe_fd_, FIONREAD, &queued) != 0) break;
    if (queued > 0) seen = true;
    const auto waited = Clock::now() - start;
    if (seen && queued == 0) break;   // the host has read them
    if (!seen && waited >= 5ms) break;
    if (waited >= 2s) break;          // a host that does not read: give up splitting cleanly
    std::this_thread::sleep_for(50us);
  }
  std::this_thread::sleep_for(200us);  // the host's read() returns before the next bytes come
}

}  // namespace sim7080emu
