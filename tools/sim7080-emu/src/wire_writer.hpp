// Everything the module sends goes through here: V.250 framing, baud pacing, fragmentation,
// noise URCs and the recorder. Keeping it in one place guarantees that knobs never split a
// counted payload or a transparent stream in ways the spec forbids.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "options.hpp"
#include "recorder.hpp"

namespace sim7080emu {

class WireWriter {
 public:
  WireWriter(int fd, const Options& opt, Recorder& rec);

  // "\r\n<text>\r\n". record_as replaces the text in the transcript (password redaction).
  void line(std::string_view text, std::string_view record_as = {});
  // Bytes as is (echo, stream). record_as: see line().
  void raw(std::string_view bytes, std::string_view record_as = {});
  // header line + counted payload + "\r\nOK\r\n" as one unit: no noise inside.
  void payload_reply(std::string_view header, std::string_view data);

  // Noise control: never inside data phases or transparent streams.
  void set_noise_allowed(bool allowed) { noise_allowed_ = allowed; }
  void tick_noise();  // called from the main loop; emits an occasional noise URC

  // Baud pacing (AT+IPR changes it after the result code). 0 = unpaced.
  void set_baud(std::uint32_t baud) { baud_ = baud; }
  std::uint32_t baud() const { return baud_; }

 private:
  void maybe_noise_before_line();
  void noise_line();
  void emit(std::string_view bytes);
  void write_fully(const char* p, std::size_t n);

  int fd_;
  const Options& opt_;
  Recorder& rec_;
  std::uint32_t baud_;
  bool noise_allowed_ = true;
  std::mt19937 frag_rng_;
  std::mt19937 noise_rng_;
  std::chrono::steady_clock::time_point next_noise_;
};

}  // namespace sim7080emu
