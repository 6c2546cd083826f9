#include "ftp/fsm.hpp"

namespace sim7080::ftp {

const char* to_string(EventType t) noexcept {
  switch (t) {
    case EventType::start: return "start";
    case EventType::command_done: return "command_done";
    case EventType::reply_line: return "reply_line";
    case EventType::payload: return "payload";
    case EventType::payload_end: return "payload_end";
    case EventType::urc: return "urc";
    case EventType::go_ahead: return "go_ahead";
    case EventType::stream_chunk: return "stream_chunk";
    case EventType::deadline: return "deadline";
    case EventType::cancel: return "cancel";
    case EventType::link_lost: return "link_lost";
  }
  return "?";
}

const char* to_string(ActionType t) noexcept {
  switch (t) {
    case ActionType::send: return "send";
    case ActionType::write_data: return "write_data";
    case ActionType::arm_stream: return "arm_stream";
    case ActionType::arm_deadline: return "arm_deadline";
    case ActionType::disarm_deadline: return "disarm_deadline";
    case ActionType::deliver: return "deliver";
    case ActionType::progress: return "progress";
    case ActionType::done: return "done";
  }
  return "?";
}

}  // namespace sim7080::ftp
