#pragma once
// Typed parsers for the bearer replies and URCs of spec §2 (`+CPIN`, `+CSQ`, `+CGATT`,
// `+COPS`, `+CGNAPN`, `+CNACT`, `+APP PDP`). Each takes one line as the tokenizer reports it
// (no CR LF), tolerates the spacing variants of spec §6.3 (`+CPIN:READY`, spaces after
// commas) and returns nullopt for anything malformed or out of range, a test reply
// (`+CNACT: (0-3),(0-2)`) included; modem output never makes them throw or crash.
#include <optional>
#include <string_view>

#include "sim7080/bearer_types.hpp"

namespace sim7080::ftp {

/// `+CPIN: <code>`, the reply to `AT+CPIN?` and the URC (spec §1.8). Codes compare
/// case-insensitively; an unknown code gives nullopt.
std::optional<SimState> parse_cpin(std::string_view line) noexcept;

/// The received power for an `AT+CSQ` rssi value (spec §2.1): 0 → -115, 1 → -111,
/// 2..30 → -110..-54 in steps of 2, 31 → -52; nullopt for 99 (unknown) and undefined values.
std::optional<int> csq_to_dbm(int rssi) noexcept;

/// `+CSQ: <rssi>,<ber>`. Values above 255 are malformed (nullopt); values the spec does not
/// define (32–98, 100–255) are kept, without dBm.
std::optional<SignalQuality> parse_csq(std::string_view line) noexcept;

/// `+CGATT: <state>`: true when the packet domain is attached (1), false for 0.
std::optional<bool> parse_cgatt(std::string_view line) noexcept;

/// `+COPS: <mode>[,<format>,"<oper>"[,<netact>]]`.
std::optional<NetworkInfo> parse_cops(std::string_view line);

/// `+CGNAPN: <valid>,"<apn>"`.
std::optional<NetworkApn> parse_cgnapn(std::string_view line);

/// One line of the `AT+CNACT?` reply, `+CNACT: <pdpidx>,<statusx>,"<address>"`.
std::optional<PdpContext> parse_cnact(std::string_view line);

/// The `+APP PDP: <pdpidx>,ACTIVE` / `+APP PDP: <pdpidx>,DEACTIVE` URC.
std::optional<BearerStatus> parse_app_pdp(std::string_view line) noexcept;

}  // namespace sim7080::ftp
