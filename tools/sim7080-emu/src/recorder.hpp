// Writes the conversation in the .at transcript format (shared/spec/transcript-format.md).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace sim7080emu {

class Recorder {
 public:
  explicit Recorder(const std::string& path);  // empty path: recording off
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  bool enabled() const { return f_ != nullptr; }
  void host_line(std::string_view line);    // "> " command line without its CR
  void host_data(std::string_view bytes);   // ">> " raw host data
  void modem_line(std::string_view text);   // "< " CR LF text CR LF
  void modem_raw(std::string_view bytes);   // "<< " echo, payload, stream bytes
  void comment(std::string_view text);      // "# "

  // Escapes per the format: \r \n \t \\ \xHH; printable ASCII as is; trailing space as \x20.
  static std::string escape(std::string_view bytes);

 private:
  void put(const char* marker, std::string_view payload);
  std::FILE* f_ = nullptr;
};

}  // namespace sim7080emu
