// The four application PDP contexts of AT+CNCFG / AT+CNACT (§2). FTP only works over the
// context selected by AT+FTPCID, and only while it is active.
#pragma once

#include <array>
#include <string>

namespace sim7080emu {

struct PdpContext {
  bool active = false;
  int ip_type = 1;  // AT+CNCFG <ip_type>
  std::string apn, user, password;
  int auth = 0;
};

using PdpTable = std::array<PdpContext, 4>;

}  // namespace sim7080emu
