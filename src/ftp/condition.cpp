// The portable conditions: which concrete errors count as retryable, auth_failed, not_found
// and link_lost. Kept in the top layer because it knows every category.
#include <string>

#include "asio/error.hpp"
#include "sim7080/error.hpp"

namespace sim7080 {
namespace {

bool ftp_matches(Condition c, int code) {
  switch (c) {
    case Condition::retryable:
      return code == 61 || code == 62 || code == 63 || code == 64 || code == 78 || code == 79 ||
             code == 90;
    case Condition::auth_failed: return code == 71 || code == 72;
    case Condition::not_found: return code == 77;
    case Condition::link_lost: return code == 61;
  }
  return false;
}

class ConditionCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sim7080.condition"; }
  std::string message(int code) const override {
    switch (static_cast<Condition>(code)) {
      case Condition::retryable: return "retrying may succeed";
      case Condition::auth_failed: return "authentication failed";
      case Condition::not_found: return "remote file or directory not found";
      case Condition::link_lost: return "link to the modem or network lost";
    }
    return "unknown condition";
  }
  bool equivalent(const std::error_code& ec, int condition) const noexcept override {
    const auto c = static_cast<Condition>(condition);
    if (ec.category() == ftp_category()) return ftp_matches(c, ec.value());
    if (ec.category() == at_category()) {
      const auto e = static_cast<AtErrc>(ec.value());
      const bool link = e == AtErrc::modem_restarted || e == AtErrc::modem_powered_down;
      if (c == Condition::link_lost) return link;
      if (c == Condition::retryable) return link || e == AtErrc::timeout || e == AtErrc::truncated;
      return false;
    }
    if (ec.category() == transport_category()) {
      const auto e = static_cast<TransportErrc>(ec.value());
      return (c == Condition::link_lost || c == Condition::retryable) && e == TransportErrc::port_vanished;
    }
    if (ec.category() == cme_category()) {
      if (c == Condition::auth_failed) return ec.value() == 16 || ec.value() == 149;
      if (c == Condition::not_found) return ec.value() == 188;
      if (c == Condition::retryable) return ec.value() == 14 || ec.value() == 31 || ec.value() == 173 || ec.value() == 181;
    }
    return false;
  }
};

}  // namespace

const std::error_category& condition_category() noexcept {
  static const ConditionCategory category;
  return category;
}
}  // namespace sim7080
