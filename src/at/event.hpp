#pragma once
// What the tokenizer reports. Views point into the tokenizer's line buffer or into the bytes
// passed to feed(); they are valid only during the EventSink call.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "sim7080/error.hpp"

namespace sim7080::at {

enum class EventKind : std::uint8_t {
  line,           // information text or URC; `text`
  echo,           // the echo of the command just sent; `text`
  final_ok,       // OK
  final_error,    // ERROR
  cme_error,      // +CME ERROR: <code>; `code` (a verbose text is mapped to its number, else 100)
  cms_error,      // +CMS ERROR: <code>; `code`
  payload_begin,  // a header that announces data; `text` = header line, `length` = count (counted) or 0 (transparent)
  payload,        // raw bytes of a counted payload, or decoded bytes of a transparent stream; `bytes`
  payload_end,    // the counted bytes are complete, or the transparent stream's ETX arrived
  error,          // a problem with the input; `error` says which; the tokenizer has resynchronised
};

struct Event {
  EventKind kind{};
  std::string_view text{};
  std::span<const std::byte> bytes{};
  std::uint64_t length = 0;
  int code = 0;
  AtErrc error{};
};

class EventSink {
 public:
  virtual void on_event(const Event& ev) = 0;

 protected:
  ~EventSink() = default;
};

const char* to_string(EventKind k) noexcept;

}  // namespace sim7080::at
