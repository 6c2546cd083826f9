#include "ftp/list_fsm.hpp"

namespace sim7080::ftp {

ListFsm::ListFsm(std::chrono::milliseconds session_timeout)
    : ChunkedReadFsm(CommandId::ftplist, std::nullopt, session_timeout) {}

}  // namespace sim7080::ftp
