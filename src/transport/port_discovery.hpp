#pragma once
// Serial port discovery from sysfs (sim7080::list_serial_ports, include/sim7080/ports.hpp).
// The parsing and classification steps are free functions so that tests can check them on
// their own; the directory walk is in port_discovery.cpp.
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim7080/ports.hpp"

namespace sim7080::transport {

/// Parses a sysfs USB id attribute (idVendor, idProduct): 1 to 4 hex digits, surrounding
/// whitespace ignored (`"1e0e\n"` gives 0x1e0e). Empty on anything else.
std::optional<std::uint16_t> parse_usb_id(std::string_view text) noexcept;

/// Parses bInterfaceNumber, which sysfs writes as two hex digits (`"02\n"`, `"0a\n"`).
std::optional<int> parse_interface_number(std::string_view text) noexcept;

/// True for a SIMCom (0x1e0e) SIM7070/SIM7080/SIM7090 (product 0x9206 or 0x9205) on its AT
/// interface (2).
bool is_likely_sim7080_at_port(const SerialPortInfo& port) noexcept;

/// Orders device names as people count: the digit runs numerically ("ttyUSB2" < "ttyUSB10").
bool natural_less(std::string_view a, std::string_view b) noexcept;

}  // namespace sim7080::transport
