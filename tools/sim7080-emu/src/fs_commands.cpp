// The module file system as far as FTP needs it (§3.29, [AN2] 5.2.1): AT+CFSINIT, AT+CFSWFILE
// with its DOWNLOAD prompt, AT+CFSTERM, AT+CFSDFILE. Backed by --fs-root or a temp dir.
#include <filesystem>
#include <fstream>

#include "modem.hpp"

namespace sim7080emu {

namespace {
std::optional<std::uint64_t> num(const AtCommand& c, std::size_t i) {
  if (i >= c.args.size() || c.args[i].quoted) return std::nullopt;
  return parse_uint(c.args[i].text);
}
bool good_name(const std::string& n) {
  if (n.empty() || n.size() > 50 || n.find('/') != std::string::npos || n == "." || n == "..")
    return false;
  for (char ch : n)
    if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e)
      return false;
  return true;
}
}  // namespace

std::string Modem::fs_path(std::uint64_t dir, const std::string& name) const {
  static const char* dirs[] = {"custapp", "fota", "datatx", "customer"};
  return (std::filesystem::path(fs_root_) / dirs[dir] / name).string();
}

Modem::Reply Modem::cmd_cfsinit(const AtCommand& c) {
  if (c.form != Form::Exec) return c.form == Form::Test ? ok() : cme(603);
  if (cfs_init_) return cme(767);  // already initialised
  cfs_init_ = true;
  return ok();
}

Modem::Reply Modem::cmd_cfsterm(const AtCommand& c) {
  if (c.form != Form::Exec) return c.form == Form::Test ? ok() : cme(603);
  cfs_init_ = false;
  return ok();
}

Modem::Reply Modem::cmd_cfswfile(const AtCommand& c) {
  if (c.form == Form::Test) return ok();
  if (c.form != Form::Write || c.args.size() != 5) return cme(765);
  auto dir = num(c, 0), wmode = num(c, 2), size = num(c, 3), to = num(c, 4);
  if (!dir || *dir > 3 || !good_name(c.args[1].text) || !wmode || *wmode > 1 || !size ||
      *size < 1 || *size > 10240 || !to || *to < 100 || *to > 10000)
    return cme(765);
  if (!cfs_init_) return cme(767);
  std::string path = fs_path(*dir, c.args[1].text);
  bool append = *wmode == 1;
  w_.line("DOWNLOAD");
  enter_counted(
      static_cast<std::size_t>(*size), static_cast<std::uint32_t>(*to),
      [this, path, append](std::string&& data) {
        std::ofstream f(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
        f.write(data.data(), static_cast<std::streamsize>(data.size()));
        w_.line(f ? "OK" : "ERROR");
      },
      [this] { w_.line("ERROR"); });
  return done();
}

Modem::Reply Modem::cmd_cfsdfile(const AtCommand& c) {
  if (c.form == Form::Test) return ok();
  if (c.form != Form::Write || c.args.size() != 2) return cme(765);
  auto dir = num(c, 0);
  if (!dir || *dir > 3 || !good_name(c.args[1].text)) return cme(765);
  std::error_code ec;
  if (!std::filesystem::remove(fs_path(*dir, c.args[1].text), ec)) return cme(767);
  return ok();
}

}  // namespace sim7080emu
