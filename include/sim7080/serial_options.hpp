#pragma once
/// @file serial_options.hpp
/// How to open the serial line to the modem.
#include <string>

namespace sim7080 {

/// Settings of the serial port that carries AT commands (8N1, raw mode always).
struct SerialOptions {
  std::string device;          ///< device path, e.g. "/dev/ttyUSB2" or a pseudo-terminal
  unsigned baud_rate = 115200; ///< line speed in baud
  bool rtscts = false;         ///< hardware flow control (RTS/CTS); pair with AT+IFC=2,2
};

}  // namespace sim7080
