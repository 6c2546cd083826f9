#include "support/event_recorder.hpp"

#include <fmt/format.h>

namespace sim7080::test {

std::string escape_bytes(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\\') out += "\\\\";
    else if (u < 0x20 || u >= 0x7F) out += fmt::format("\\x{:02X}", u);
    else out += c;
  }
  return out;
}

void EventRecorder::on_event(const at::Event& ev) {
  using at::EventKind;
  if (ev.kind == EventKind::payload) {
    const std::string_view piece(reinterpret_cast<const char*>(ev.bytes.data()), ev.bytes.size());
    if (last_was_payload_) {
      events_.back() += escape_bytes(piece);
    } else {
      events_.push_back("payload:" + escape_bytes(piece));
    }
    last_was_payload_ = true;
    return;
  }
  last_was_payload_ = false;
  std::string s = at::to_string(ev.kind);
  switch (ev.kind) {
    case EventKind::line:
    case EventKind::echo:
      s += ':';  // appended, not `":" + ...`: GCC 12 -O3 false -Wrestrict (bug 105329)
      s += escape_bytes(ev.text);
      break;
    case EventKind::cme_error:
    case EventKind::cms_error:
      s += fmt::format(":{}", ev.code);
      break;
    case EventKind::payload_begin:
      s += fmt::format(":{}:{}", escape_bytes(ev.text), ev.length);
      break;
    case EventKind::error:
      s += fmt::format(":{}", make_error_code(ev.error).message());
      break;
    default:
      break;
  }
  events_.push_back(std::move(s));
}

std::string EventRecorder::joined() const {
  std::string out;
  for (const auto& e : events_) out += e + "\n";
  return out;
}

}  // namespace sim7080::test
