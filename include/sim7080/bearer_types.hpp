#pragma once
/// @file bearer_types.hpp
/// What the module reports about the SIM, the radio and the packet-data bearer FTP runs over
/// (spec §2): the typed results of `AT+CPIN?`, `AT+CSQ`, `AT+COPS?`, `AT+CGNAPN`, `AT+CNACT?`
/// and the `+APP PDP:` URC.
#include <optional>
#include <string>

namespace sim7080 {

/// SIM state from `+CPIN: <code>` (spec §1.8). Only `ready` lets the bearer come up.
enum class SimState {
  ready,         ///< `READY`
  sim_pin,       ///< `SIM PIN`: the PIN must be entered
  sim_puk,       ///< `SIM PUK`
  ph_sim_pin,    ///< `PH_SIM PIN`
  ph_sim_puk,    ///< `PH_SIM PUK`
  ph_net_pin,    ///< `PH_NET PIN`
  sim_pin2,      ///< `SIM PIN2`
  sim_puk2,      ///< `SIM PUK2`
  not_ready,     ///< `NOT READY` (also after `AT+CFUN=0`)
  not_inserted,  ///< `NOT INSERTED`
};

/// Signal quality from `+CSQ: <rssi>,<ber>` (spec §2.1).
struct SignalQuality {
  int rssi = 99;           ///< 0–31 as reported, 99 = unknown
  int ber = 99;            ///< bit error rate class 0–7, 99 = unknown
  std::optional<int> dbm;  ///< received power for rssi 0–31 (0 means ≤ -115, 31 means ≥ -52); empty otherwise
};

/// Operator selection from `+COPS: <mode>[,<format>,"<oper>"[,<netact>]]` (spec §2.1).
struct NetworkInfo {
  int mode = 0;                            ///< 0 automatic, 1 manual, 2 deregistered, 3 format only, 4 manual/automatic
  std::optional<int> format;               ///< 0 long alphanumeric, 1 short, 2 numeric; empty when not registered
  std::string operator_name;               ///< e.g. "CHN-CT"; empty when not registered
  std::optional<int> access_technology;    ///< 0 GSM, 1 GSM compact, 3 EGPRS, 7 LTE Cat-M, 9 NB-IoT
};

/// The network-supplied APN from `+CGNAPN: <valid>,"<apn>"` (spec §2.1).
struct NetworkApn {
  bool valid = false;  ///< the network supplied an APN (always false on GSM)
  std::string apn;     ///< e.g. "ctnb"; empty when not valid
};

/// One application PDP context from a `+CNACT: <idx>,<status>,"<addr>"` line (spec §2.3);
/// `AT+CNACT?` answers one line per context 0–3.
struct PdpContext {
  int index = 0;        ///< context index (`<pdpidx>`, 0–3), as used by `AT+FTPCID`
  int status = 0;       ///< 0 deactivated, 1 activated, 2 in operation
  std::string address;  ///< local IP address; "0.0.0.0" while inactive
};

/// A bearer change reported by the `+APP PDP: <idx>,ACTIVE|DEACTIVE` URC (spec §2.3).
struct BearerStatus {
  int index = 0;        ///< context index
  bool active = false;  ///< true for ACTIVE (the bearer is up), false for DEACTIVE
};

}  // namespace sim7080
