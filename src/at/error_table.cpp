#include "at/error_table.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace sim7080::at {
namespace {

constexpr std::array<CmeErrorRow, 38> kCme{{
    {3, "operation not allowed"}, {4, "operation not supported"}, {10, "SIM not inserted"},
    {11, "SIM PIN required"}, {12, "SIM PUK required"}, {13, "SIM failure"}, {14, "SIM busy"},
    {15, "SIM wrong"}, {16, "incorrect password"}, {30, "no network service"},
    {31, "network timeout"}, {100, "unknown"}, {107, "GPRS services not allowed"},
    {148, "unspecified GPRS error"}, {149, "PDP authentication failure"},
    {160, "DNS resolve failed"}, {161, "Socket open failed"}, {173, "The operation is overtime"},
    {177, "The connection to network is failed"}, {180, "gprs is not attached"},
    {181, "tcpip stack is busy"}, {188, "Not find the file"}, {601, "Unrecognized Command"},
    {603, "Syntax Error"}, {604, "Unspecified Error"}, {605, "Data Transfer Already"},
    {606, "Action Already"}, {608, "Multi Cmd too long"}, {765, "Invalid input value"},
    {766, "Unsupported mode"}, {767, "Operation failed"}, {791, "Param count not enough"},
    {792, "Param count beyond"}, {793, "Param value range beyond"}, {794, "Param type not match"},
    {795, "Param format invalid"}, {796, "Get a null param"}, {797, "CFUN state is 0 or 4"},
}};

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

class AtCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sim7080.at"; }
  std::string message(int code) const override {
    return std::string(at_error_message(static_cast<AtErrc>(code)));
  }
};

class CmeCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sim7080.cme"; }
  std::string message(int code) const override {
    if (const auto* row = find_cme_error(code)) {
      return "modem error: " + std::string(row->text) + " (+CME ERROR: " + std::to_string(code) + ")";
    }
    return "modem error (+CME ERROR: " + std::to_string(code) + ")";
  }
};

}  // namespace

std::span<const CmeErrorRow> cme_error_table() noexcept { return kCme; }

const CmeErrorRow* find_cme_error(int code) noexcept {
  auto it = std::find_if(kCme.begin(), kCme.end(), [code](const CmeErrorRow& r) { return r.code == code; });
  return it == kCme.end() ? nullptr : &*it;
}

const CmeErrorRow* find_cme_error_text(std::string_view text) noexcept {
  auto it = std::find_if(kCme.begin(), kCme.end(), [text](const CmeErrorRow& r) { return iequal(r.text, text); });
  return it == kCme.end() ? nullptr : &*it;
}

std::string_view at_error_message(AtErrc e) noexcept {
  switch (e) {
    case AtErrc::timeout: return "modem did not answer before the deadline";
    case AtErrc::line_too_long: return "modem line exceeded the parser's limit";
    case AtErrc::malformed_line: return "malformed line from the modem";
    case AtErrc::error_result: return "modem answered ERROR";
    case AtErrc::protocol_error: return "modem output violates the protocol";
    case AtErrc::modem_restarted: return "modem restarted";
    case AtErrc::modem_powered_down: return "modem powered down";
    case AtErrc::invalid_argument: return "invalid argument: it cannot be sent on an AT command line";
    case AtErrc::channel_closed: return "command channel closed";
    case AtErrc::busy: return "another operation is running";
    case AtErrc::truncated: return "transfer ended early: fewer bytes than announced";
    case AtErrc::baud_rate_fallback: return "modem did not answer at the new baud rate; back at the old rate";
  }
  return "unknown AT layer error";
}

}  // namespace sim7080::at

namespace sim7080 {
const std::error_category& at_category() noexcept {
  static const at::AtCategory category;
  return category;
}
const std::error_category& cme_category() noexcept {
  static const at::CmeCategory category;
  return category;
}
}  // namespace sim7080
