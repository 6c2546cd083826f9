#pragma once
/// @file ports.hpp
/// Finding the modem's AT port: the serial ports of a Linux host, read from sysfs, with their
/// USB identity and a guess at which one is a SIM7080's AT command port.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sim7080 {

/// USB vendor id of SIMCom modules (idVendor in sysfs).
inline constexpr std::uint16_t simcom_usb_vendor_id = 0x1e0e;
/// USB product id of a SIM7070/SIM7080/SIM7090 in its AT-only composition.
inline constexpr std::uint16_t sim7080_usb_product_id = 0x9206;
/// USB product id of a SIM7070/SIM7080/SIM7090 in its AT + ECM (USB Ethernet) composition.
inline constexpr std::uint16_t sim7080_ecm_usb_product_id = 0x9205;
/// The USB interface that carries AT commands in both compositions (ttyUSB2 when the
/// `option` driver numbers the module's ports from ttyUSB0).
inline constexpr int sim7080_at_interface_number = 2;

/// One serial port of the host, as sysfs describes it.
struct SerialPortInfo {
  std::string device;                           ///< device node, e.g. "/dev/ttyUSB2"
  std::optional<std::uint16_t> usb_vendor_id;   ///< idVendor of the USB device; empty if not USB
  std::optional<std::uint16_t> usb_product_id;  ///< idProduct of the USB device; empty if not USB
  std::optional<int> interface_number;          ///< bInterfaceNumber of its USB interface; empty if not USB
  std::string driver;                           ///< kernel driver: the USB interface's ("option", "cdc_acm") or the port's ("serial", "pl011")
  bool likely_sim7080_at_port = false;          ///< SIMCom vendor id, a SIM7080 product id and interface 2
};

/// Lists the serial ports under `sysfs_root`/class/tty that have a device behind them
/// (virtual consoles, pseudo-terminals and the kernel's unused 8250 placeholders are left
/// out), sorted by device name with numbers in numeric order (ttyUSB2 before ttyUSB10). For a
/// USB port it reads bInterfaceNumber of the USB interface and idVendor/idProduct of the USB
/// device above it. `device` is `dev_root` joined with the tty's name. Never throws:
/// unreadable entries are skipped, an unreadable `sysfs_root` gives an empty list.
std::vector<SerialPortInfo> list_serial_ports(const std::filesystem::path& sysfs_root = "/sys",
                                              const std::filesystem::path& dev_root = "/dev");

}  // namespace sim7080
