#include "ftp/bearer_parse.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "at/response_fields.hpp"

namespace sim7080::ftp {
namespace {

// Every number in these replies is a small enumeration or index; anything larger is not a
// value the module sends, so it is treated as malformed rather than narrowed.
constexpr std::uint64_t kMaxSmall = 255;

std::optional<at::ResponseFields> fields_of(std::string_view line, std::string_view prefix) noexcept {
  auto f = at::parse_response(line);
  if (!f || f->prefix != prefix) return std::nullopt;
  return f;
}

std::optional<int> small(const at::ResponseFields& f, std::size_t i, std::uint64_t max = kMaxSmall) noexcept {
  const auto n = f.number(i);
  if (!n || *n > max) return std::nullopt;
  return static_cast<int>(*n);
}

// A string field, quoted (`"ctnb"`) or not (spec §6.3); a stray or unbalanced quote is malformed.
std::optional<std::string_view> string_field(const at::ResponseFields& f, std::size_t i) noexcept {
  if (i >= f.count) return std::nullopt;
  std::string_view s = f.fields[i];
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (s.find('"') != std::string_view::npos) return std::nullopt;
  return s;
}

bool iequal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto up = [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; };
           return up(x) == up(y);
         });
}

}  // namespace

std::optional<SimState> parse_cpin(std::string_view line) noexcept {
  static constexpr std::array<std::pair<std::string_view, SimState>, 10> kCodes{{
      {"READY", SimState::ready},
      {"SIM PIN", SimState::sim_pin},
      {"SIM PUK", SimState::sim_puk},
      {"PH_SIM PIN", SimState::ph_sim_pin},
      {"PH_SIM PUK", SimState::ph_sim_puk},
      {"PH_NET PIN", SimState::ph_net_pin},
      {"SIM PIN2", SimState::sim_pin2},
      {"SIM PUK2", SimState::sim_puk2},
      {"NOT READY", SimState::not_ready},
      {"NOT INSERTED", SimState::not_inserted},
  }};
  const auto f = fields_of(line, "+CPIN");
  if (!f || f->count != 1) return std::nullopt;
  const auto code = string_field(*f, 0);
  if (!code) return std::nullopt;
  for (const auto& [text, state] : kCodes) {
    if (iequal(*code, text)) return state;
  }
  return std::nullopt;
}

std::optional<int> csq_to_dbm(int rssi) noexcept {
  if (rssi == 0) return -115;
  if (rssi == 1) return -111;
  if (rssi >= 2 && rssi <= 30) return -110 + 2 * (rssi - 2);
  if (rssi == 31) return -52;
  return std::nullopt;
}

std::optional<SignalQuality> parse_csq(std::string_view line) noexcept {
  const auto f = fields_of(line, "+CSQ");
  if (!f || f->count != 2) return std::nullopt;
  const auto rssi = small(*f, 0), ber = small(*f, 1);
  if (!rssi || !ber) return std::nullopt;
  return SignalQuality{*rssi, *ber, csq_to_dbm(*rssi)};
}

std::optional<bool> parse_cgatt(std::string_view line) noexcept {
  const auto f = fields_of(line, "+CGATT");
  if (!f || f->count != 1) return std::nullopt;
  const auto state = small(*f, 0, 1);
  if (!state) return std::nullopt;
  return *state == 1;
}

std::optional<NetworkInfo> parse_cops(std::string_view line) {
  const auto f = fields_of(line, "+COPS");
  // 1 field when not registered; 3 or 4 with the operator (netact is optional in 27.007).
  if (!f || (f->count != 1 && f->count != 3 && f->count != 4)) return std::nullopt;
  NetworkInfo info;
  const auto mode = small(*f, 0);
  if (!mode) return std::nullopt;
  info.mode = *mode;
  if (f->count >= 3) {
    const auto format = small(*f, 1);
    const auto oper = string_field(*f, 2);
    if (!format || !oper) return std::nullopt;
    info.format = *format;
    info.operator_name = std::string(*oper);
  }
  if (f->count == 4) {
    const auto act = small(*f, 3);
    if (!act) return std::nullopt;
    info.access_technology = *act;
  }
  return info;
}

std::optional<NetworkApn> parse_cgnapn(std::string_view line) {
  const auto f = fields_of(line, "+CGNAPN");
  if (!f || f->count != 2) return std::nullopt;
  const auto valid = small(*f, 0, 1);
  const auto apn = string_field(*f, 1);
  if (!valid || !apn) return std::nullopt;
  return NetworkApn{*valid == 1, std::string(*apn)};
}

std::optional<PdpContext> parse_cnact(std::string_view line) {
  const auto f = fields_of(line, "+CNACT");
  if (!f || f->count != 3) return std::nullopt;
  const auto index = small(*f, 0), status = small(*f, 1);
  const auto address = string_field(*f, 2);
  if (!index || !status || !address) return std::nullopt;
  return PdpContext{*index, *status, std::string(*address)};
}

std::optional<BearerStatus> parse_app_pdp(std::string_view line) noexcept {
  const auto f = fields_of(line, "+APP PDP");
  if (!f || f->count != 2) return std::nullopt;
  const auto index = small(*f, 0);
  if (!index) return std::nullopt;
  const auto what = f->fields[1];
  if (iequal(what, "ACTIVE")) return BearerStatus{*index, true};
  if (iequal(what, "DEACTIVE")) return BearerStatus{*index, false};
  return std::nullopt;
}

}  // namespace sim7080::ftp
