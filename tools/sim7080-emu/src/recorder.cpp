#include "recorder.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace sim7080emu {

Recorder::Recorder(const std::string& path) {
  if (path.empty()) return;
  f_ = std::fopen(path.c_str(), "w");
  if (!f_) throw std::runtime_error("cannot open record file " + path);
  std::fputs("#! title: conversation recorded by sim7080-emu\n#! source: sim7080-emu --record\n",
             f_);
  std::fflush(f_);
}

Recorder::~Recorder() {
  if (f_) std::fclose(f_);
}

std::string Recorder::escape(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    switch (c) {
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c == ' ' && i + 1 == bytes.size()) {
          out += "\\x20";  // a trailing space would be invisible / trimmed
        } else if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          out += fmt::format("\\x{:02X}", static_cast<unsigned>(c));
        }
    }
  }
  return out;
}

void Recorder::put(const char* marker, std::string_view payload) {
  if (!f_) return;
  std::string esc = escape(payload);
  std::fputs(marker, f_);
  if (!esc.empty()) {
    std::fputc(' ', f_);
    std::fwrite(esc.data(), 1, esc.size(), f_);
  }
  std::fputc('\n', f_);
  std::fflush(f_);  // a crashed or killed emulator still leaves a usable transcript
}

void Recorder::host_line(std::string_view line) { put(">", line); }
void Recorder::host_data(std::string_view bytes) {
  if (!bytes.empty()) put(">>", bytes);
}
void Recorder::modem_line(std::string_view text) { put("<", text); }
void Recorder::modem_raw(std::string_view bytes) {
  if (!bytes.empty()) put("<<", bytes);
}
void Recorder::comment(std::string_view text) { put("#", text); }

}  // namespace sim7080emu
