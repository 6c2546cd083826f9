// Serial port discovery against a fake sysfs tree: tests/unit/transport/fake_sysfs/ holds the
// directories and attribute files; its links.txt lists the symlinks, which this test creates
// in a temporary copy (sysfs is mostly links, and a checkout need not keep them).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim7080/ports.hpp"
#include "transport/port_discovery.hpp"

namespace sim7080::transport {
namespace {

namespace fs = std::filesystem;

const fs::path kFakeSysfs = fs::path(SIM7080_TRANSCRIPT_DIR) / ".." / "unit" / "transport" / "fake_sysfs";

// A temporary copy of the fake tree with its symlinks, removed at the end of the test.
class FakeSysfs {
 public:
  FakeSysfs() {
    static std::atomic<int> counter{0};
    root_ = fs::temp_directory_path() /
            ("sim7080-fake-sysfs-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(root_);
    fs::copy(kFakeSysfs, root_, fs::copy_options::recursive);
    std::ifstream links(kFakeSysfs / "links.txt");
    std::string line;
    while (std::getline(links, line)) {
      if (line.empty() || line.front() == '#') continue;
      std::istringstream fields(line);
      std::string link, target;
      fields >> link >> target;
      const fs::path at = root_ / link;
      fs::create_directories(at.parent_path());
      fs::create_symlink(target, at);
      ++link_count_;
    }
  }
  ~FakeSysfs() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  FakeSysfs(const FakeSysfs&) = delete;
  FakeSysfs& operator=(const FakeSysfs&) = delete;

  const fs::path& root() const { return root_; }
  int link_count() const { return link_count_; }

 private:
  fs::path root_;
  int link_count_ = 0;
};

const SerialPortInfo* find(const std::vector<SerialPortInfo>& ports, const std::string& device) {
  for (const auto& p : ports) {
    if (p.device == device) return &p;
  }
  return nullptr;
}

TEST(PortDiscovery, FakeTreeIsThere) {
  ASSERT_TRUE(fs::is_regular_file(kFakeSysfs / "links.txt")) << kFakeSysfs;
  FakeSysfs sysfs;
  EXPECT_GT(sysfs.link_count(), 50);
  EXPECT_TRUE(fs::is_directory(sysfs.root() / "class" / "tty" / "ttyUSB2" / "device"));
}

TEST(PortDiscovery, ListsRealPortsInNaturalOrder) {
  FakeSysfs sysfs;
  const auto ports = list_serial_ports(sysfs.root(), "/dev");
  std::vector<std::string> devices;
  for (const auto& p : ports) devices.push_back(p.device);
  // Left out: ttyS4 and ttyS5 (serial8250 placeholders, old and new layout), tty0, console,
  // ptmx (virtual), ttyUSB99 (gone).
  const std::vector<std::string> want{
      "/dev/ttyACM0",  "/dev/ttyAMA0",  "/dev/ttyS0",    "/dev/ttyS1",    "/dev/ttyUSB0",
      "/dev/ttyUSB1",  "/dev/ttyUSB2",  "/dev/ttyUSB3",  "/dev/ttyUSB5",  "/dev/ttyUSB10",
      "/dev/ttyUSB11", "/dev/ttyUSB12", "/dev/ttyUSB13", "/dev/ttyUSB20"};
  EXPECT_EQ(devices, want);
}

TEST(PortDiscovery, Sim7080AtPortIsInterfaceTwoOfEitherComposition) {
  FakeSysfs sysfs;
  const auto ports = list_serial_ports(sysfs.root(), "/dev");
  std::vector<std::string> likely;
  for (const auto& p : ports) {
    if (p.likely_sim7080_at_port) likely.push_back(p.device);
  }
  EXPECT_EQ(likely, (std::vector<std::string>{"/dev/ttyUSB2", "/dev/ttyUSB12"}));

  const auto* at = find(ports, "/dev/ttyUSB2");
  ASSERT_NE(at, nullptr);
  EXPECT_EQ(at->usb_vendor_id, std::optional<std::uint16_t>(0x1e0e));
  EXPECT_EQ(at->usb_product_id, std::optional<std::uint16_t>(0x9206));
  EXPECT_EQ(at->interface_number, std::optional<int>(2));
  EXPECT_EQ(at->driver, "option");  // the interface's driver, not the port's "option1"

  const auto* ecm = find(ports, "/dev/ttyUSB12");
  ASSERT_NE(ecm, nullptr);
  EXPECT_EQ(ecm->usb_product_id, std::optional<std::uint16_t>(0x9205));

  const auto* diag = find(ports, "/dev/ttyUSB0");
  ASSERT_NE(diag, nullptr);
  EXPECT_EQ(diag->interface_number, std::optional<int>(0));
  EXPECT_FALSE(diag->likely_sim7080_at_port);
}

TEST(PortDiscovery, OtherSimcomProductOnInterfaceTwoIsNotASim7080) {
  FakeSysfs sysfs;
  const auto ports = list_serial_ports(sysfs.root(), "/dev");
  const auto* sim7600 = find(ports, "/dev/ttyUSB20");
  ASSERT_NE(sim7600, nullptr);
  EXPECT_EQ(sim7600->usb_vendor_id, std::optional<std::uint16_t>(0x1e0e));  // written "1E0E"
  EXPECT_EQ(sim7600->usb_product_id, std::optional<std::uint16_t>(0x9001));
  EXPECT_EQ(sim7600->interface_number, std::optional<int>(2));
  EXPECT_FALSE(sim7600->likely_sim7080_at_port);
}

TEST(PortDiscovery, CdcAcmFtdiAndOnBoardUarts) {
  FakeSysfs sysfs;
  const auto ports = list_serial_ports(sysfs.root(), "/custom-dev");
  const auto* acm = find(ports, "/custom-dev/ttyACM0");
  ASSERT_NE(acm, nullptr);
  EXPECT_EQ(acm->usb_vendor_id, std::optional<std::uint16_t>(0x2e8a));
  EXPECT_EQ(acm->usb_product_id, std::optional<std::uint16_t>(0x000a));
  EXPECT_EQ(acm->interface_number, std::optional<int>(0));
  EXPECT_EQ(acm->driver, "cdc_acm");

  const auto* ftdi = find(ports, "/custom-dev/ttyUSB5");
  ASSERT_NE(ftdi, nullptr);
  EXPECT_EQ(ftdi->usb_vendor_id, std::optional<std::uint16_t>(0x0403));
  EXPECT_EQ(ftdi->driver, "ftdi_sio");
  EXPECT_FALSE(ftdi->likely_sim7080_at_port);

  for (const char* uart : {"/custom-dev/ttyS0", "/custom-dev/ttyS1", "/custom-dev/ttyAMA0"}) {
    const auto* p = find(ports, uart);
    ASSERT_NE(p, nullptr) << uart;
    EXPECT_FALSE(p->usb_vendor_id) << uart;
    EXPECT_FALSE(p->usb_product_id) << uart;
    EXPECT_FALSE(p->interface_number) << uart;
    EXPECT_FALSE(p->likely_sim7080_at_port) << uart;
  }
  EXPECT_EQ(find(ports, "/custom-dev/ttyS0")->driver, "serial");
  EXPECT_EQ(find(ports, "/custom-dev/ttyS1")->driver, "serial");  // below serial-base (Linux >= 6.5)
  EXPECT_EQ(find(ports, "/custom-dev/ttyAMA0")->driver, "uart-pl011");
}

TEST(PortDiscovery, MissingSysfsGivesAnEmptyList) {
  EXPECT_TRUE(list_serial_ports("/nonexistent/sim7080-sysfs").empty());
  EXPECT_TRUE(list_serial_ports(kFakeSysfs / "devices").empty());  // no class/tty below it
}

TEST(PortDiscovery, RealSysfsDoesNotThrow) {
  // Whatever this machine has (a container may have no USB at all): no exception, and every
  // entry names a device under /dev.
  const auto ports = list_serial_ports();
  for (const auto& p : ports) EXPECT_EQ(p.device.rfind("/dev/", 0), 0u) << p.device;
}

TEST(PortDiscoveryParse, UsbIds) {
  EXPECT_EQ(parse_usb_id("1e0e\n"), std::optional<std::uint16_t>(0x1e0e));
  EXPECT_EQ(parse_usb_id("9206"), std::optional<std::uint16_t>(0x9206));
  EXPECT_EQ(parse_usb_id(" FFFF \n"), std::optional<std::uint16_t>(0xffff));
  EXPECT_EQ(parse_usb_id("a"), std::optional<std::uint16_t>(0xa));
  EXPECT_FALSE(parse_usb_id(""));
  EXPECT_FALSE(parse_usb_id("\n"));
  EXPECT_FALSE(parse_usb_id("12345"));
  EXPECT_FALSE(parse_usb_id("0x12"));
  EXPECT_FALSE(parse_usb_id("1e 0e"));
}

TEST(PortDiscoveryParse, InterfaceNumbers) {
  EXPECT_EQ(parse_interface_number("02\n"), std::optional<int>(2));
  EXPECT_EQ(parse_interface_number("0a"), std::optional<int>(10));
  EXPECT_EQ(parse_interface_number("ff"), std::optional<int>(255));
  EXPECT_FALSE(parse_interface_number("100"));
  EXPECT_FALSE(parse_interface_number("-1"));
  EXPECT_FALSE(parse_interface_number(""));
}

TEST(PortDiscoveryParse, LikelyAtPortNeedsAllThree) {
  SerialPortInfo p;
  p.usb_vendor_id = 0x1e0e;
  p.usb_product_id = 0x9206;
  p.interface_number = 2;
  EXPECT_TRUE(is_likely_sim7080_at_port(p));
  p.usb_product_id = 0x9205;
  EXPECT_TRUE(is_likely_sim7080_at_port(p));
  p.interface_number = 3;
  EXPECT_FALSE(is_likely_sim7080_at_port(p));
  p.interface_number = 2;
  p.usb_vendor_id = 0x2c7c;
  EXPECT_FALSE(is_likely_sim7080_at_port(p));
  p.usb_vendor_id.reset();
  EXPECT_FALSE(is_likely_sim7080_at_port(p));
}

TEST(PortDiscoveryParse, NaturalOrder) {
  EXPECT_TRUE(natural_less("/dev/ttyUSB2", "/dev/ttyUSB10"));
  EXPECT_FALSE(natural_less("/dev/ttyUSB10", "/dev/ttyUSB2"));
  EXPECT_TRUE(natural_less("/dev/ttyACM0", "/dev/ttyUSB0"));
  EXPECT_TRUE(natural_less("ttyUSB", "ttyUSB0"));
  EXPECT_TRUE(natural_less("ttyUSB02", "ttyUSB3"));
  EXPECT_FALSE(natural_less("ttyUSB2", "ttyUSB2"));
  EXPECT_FALSE(natural_less("ttyUSB2", "ttyUSB02"));
  EXPECT_FALSE(natural_less("ttyUSB02", "ttyUSB2"));
}

}  // namespace
}  // namespace sim7080::transport
