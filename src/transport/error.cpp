#include <string>

#include "sim7080/error.hpp"

namespace sim7080 {
namespace {
class TransportCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sim7080.transport"; }
  std::string message(int code) const override {
    switch (static_cast<TransportErrc>(code)) {
      case TransportErrc::no_device: return "serial device not found or cannot be opened";
      case TransportErrc::port_vanished: return "serial port vanished";
      case TransportErrc::configure_failed: return "serial port could not be configured";
      case TransportErrc::not_open: return "serial port is not open";
    }
    return "serial transport error";
  }
};
}  // namespace

const std::error_category& transport_category() noexcept {
  static const TransportCategory category;
  return category;
}
}  // namespace sim7080
