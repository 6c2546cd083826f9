#pragma once
// Records tokenizer events as printable strings, merging adjacent payload pieces, so the
// event list of a whole feed and of any split can be compared with ==.
#include <string>
#include <vector>

#include "at/tokenizer.hpp"

namespace sim7080::test {

std::string escape_bytes(std::string_view bytes);

class EventRecorder final : public at::EventSink {
 public:
  void on_event(const at::Event& ev) override;
  const std::vector<std::string>& events() const { return events_; }
  std::string joined() const;

 private:
  std::vector<std::string> events_;
  bool last_was_payload_ = false;
};

}  // namespace sim7080::test
