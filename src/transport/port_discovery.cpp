// Serial port discovery: walks <sysfs>/class/tty the way udev sees it.
//
// Layouts this understands (links resolved with canonical()):
//   USB serial (option, ftdi_sio, cp210x, ...):
//     class/tty/ttyUSB2/device -> .../usb1/1-1/1-1:1.2/ttyUSB2    (the usb-serial port)
//     .../1-1:1.2/bInterfaceNumber = "02", .../1-1:1.2/driver -> .../drivers/option
//     .../1-1/idVendor = "1e0e", .../1-1/idProduct = "9206"
//   USB CDC ACM: class/tty/ttyACM0/device -> .../1-4/1-4:1.0        (the interface itself)
//   On-board UARTs: class/tty/ttyS0/device -> .../pnp0/00:01, ttyAMA0 -> .../platform/...;
//     since Linux 6.5 -> .../pnp0/00:01/00:01:0/00:01:0.0 (serial-base "ctrl" and "port")
// Entries without `device` (tty0..63, console, ptmx) are virtual and skipped, as are the
// serial8250 placeholders the kernel registers for UARTs that may not exist.
#include "transport/port_discovery.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

namespace sim7080::transport {
namespace {

namespace fs = std::filesystem;

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<unsigned> parse_hex(std::string_view text, std::size_t max_digits) noexcept {
  text = trim(text);
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isxdigit(u)) return std::nullopt;
    const unsigned digit = std::isdigit(u) ? static_cast<unsigned>(u - '0')
                                           : static_cast<unsigned>(std::tolower(u) - 'a' + 10);
    value = value * 16 + digit;
  }
  return value;
}

// A sysfs attribute is a few bytes; anything much larger is not one.
std::optional<std::string> read_attribute(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  text.resize(256);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// The name a `driver` (or `subsystem`) link points to: ".../drivers/option" gives "option".
std::string link_name(const fs::path& link) {
  std::error_code ec;
  const fs::path target = fs::read_symlink(link, ec);
  return ec ? std::string() : target.filename().string();
}

// The USB interface directory at or above `dir`: the first one with bInterfaceNumber. A tty's
// device is the interface itself (cdc_acm) or one level below it (usb-serial); a little more
// is allowed for drivers that nest deeper.
std::optional<fs::path> usb_interface_of(fs::path dir) {
  for (int level = 0; level < 3 && dir.has_relative_path(); ++level) {
    std::error_code ec;
    if (fs::is_regular_file(dir / "bInterfaceNumber", ec)) return dir;
    dir = dir.parent_path();
  }
  return std::nullopt;
}

std::optional<SerialPortInfo> describe(const fs::path& class_entry, const fs::path& dev_root) {
  std::error_code ec;
  const fs::path device_dir = fs::canonical(class_entry / "device", ec);
  if (ec || !fs::is_directory(device_dir, ec)) return std::nullopt;  // virtual, or a dangling link

  // Since Linux 6.5 a UART's tty hangs below "port" and "ctrl" devices of the serial-base bus;
  // the hardware (and its driver) is the device above them.
  fs::path hardware = device_dir;
  for (int level = 0; level < 3 && link_name(hardware / "subsystem") == "serial-base"; ++level) {
    hardware = hardware.parent_path();
  }
  SerialPortInfo port;
  port.device = (dev_root / class_entry.filename()).string();
  port.driver = link_name(hardware / "driver");
  if (port.driver == "serial8250" && link_name(hardware / "subsystem") == "platform") return std::nullopt;

  if (const auto interface = usb_interface_of(device_dir)) {
    if (const auto text = read_attribute(*interface / "bInterfaceNumber")) {
      port.interface_number = parse_interface_number(*text);
    }
    const fs::path usb_device = interface->parent_path();
    if (const auto text = read_attribute(usb_device / "idVendor")) port.usb_vendor_id = parse_usb_id(*text);
    if (const auto text = read_attribute(usb_device / "idProduct")) port.usb_product_id = parse_usb_id(*text);
    // The interface's driver ("option", "cdc_acm") says more than the port's ("option1").
    if (auto name = link_name(*interface / "driver"); !name.empty()) port.driver = std::move(name);
  }
  port.likely_sim7080_at_port = is_likely_sim7080_at_port(port);
  return port;
}

}  // namespace

std::optional<std::uint16_t> parse_usb_id(std::string_view text) noexcept {
  const auto value = parse_hex(text, 4);
  if (!value) return std::nullopt;
  return static_cast<std::uint16_t>(*value);
}

std::optional<int> parse_interface_number(std::string_view text) noexcept {
  const auto value = parse_hex(text, 2);
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

bool is_likely_sim7080_at_port(const SerialPortInfo& port) noexcept {
  return port.usb_vendor_id == simcom_usb_vendor_id &&
         (port.usb_product_id == sim7080_usb_product_id || port.usb_product_id == sim7080_ecm_usb_product_id) &&
         port.interface_number == sim7080_at_interface_number;
}

bool natural_less(std::string_view a, std::string_view b) noexcept {
  auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      // Compare the digit runs as numbers: skip leading zeros, then longer is larger.
      std::size_t ei = i, ej = j;
      while (ei < a.size() && is_digit(a[ei])) ++ei;
      while (ej < b.size() && is_digit(b[ej])) ++ej;
      std::string_view na = a.substr(i, ei - i), nb = b.substr(j, ej - j);
      while (na.size() > 1 && na.front() == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb.front() == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ei;
      j = ej;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

}  // namespace sim7080::transport

namespace sim7080 {

std::vector<SerialPortInfo> list_serial_ports(const std::filesystem::path& sysfs_root,
                                              const std::filesystem::path& dev_root) {
  std::vector<SerialPortInfo> ports;
  try {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(sysfs_root / "class" / "tty", ec), end; !ec && it != end;
         it.increment(ec)) {
      if (auto port = transport::describe(it->path(), dev_root)) ports.push_back(std::move(*port));
    }
  } catch (const std::exception&) {
    // Out of memory or a path the filesystem library rejects: report what was found so far.
  }
  std::sort(ports.begin(), ports.end(), [](const SerialPortInfo& a, const SerialPortInfo& b) {
    return transport::natural_less(a.device, b.device);
  });
  return ports;
}

}  // namespace sim7080
