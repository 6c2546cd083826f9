#pragma once
// AT+FTPLIST (spec §3.22): the server's raw LIST output of GETPATH, read exactly like AT+FTPGET
// (same `=1` / `=2,1460` / `1,1` / `1,0` rules), hence the shared ChunkedReadFsm. The bytes are
// delivered verbatim; parsing the listing into ListEntry values happens elsewhere.
#include "ftp/get_fsm.hpp"

namespace sim7080::ftp {

class ListFsm final : public ChunkedReadFsm {
 public:
  // A listing's length is never known in advance, so there is no expected size.
  explicit ListFsm(std::chrono::milliseconds session_timeout = kSessionUrcTimeout);
};

}  // namespace sim7080::ftp
