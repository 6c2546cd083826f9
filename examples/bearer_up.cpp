// bearer_up: bring the modem's packet-data connection (the "bearer", a PDP context) up and
// print the IP address the network gave it.
//
//   bearer_up --device /dev/ttyUSB2 [--apn iot.example]
//
// FTP runs over this connection, so it must be up before any FtpSession operation (else the
// operation fails with FTP error 61). async_bearer_up checks the SIM (AT+CPIN?), waits for the
// network attach (AT+CGATT?), sets the APN when one is given (AT+CNCFG), activates the context
// (AT+CNACT=0,1) and waits for the network's confirmation; an active context is left alone.
// The APN (access point name) comes from your SIM's provider; many networks supply it
// themselves, then --apn can be left out.
#include <asio/io_context.hpp>
#include <iostream>

#include "example_args.hpp"

int main(int argc, char** argv) {
  example::Args args;
  if (!example::parse_args(argc, argv, args, 0, 0, "[--apn APN]")) return 2;

  asio::io_context io;
  sim7080::Modem modem(io.get_executor());
  if (auto ec = modem.open(args.serial)) {
    std::cerr << args.serial.device << ": " << ec.message() << "\n";
    return 1;
  }

  sim7080::BearerOptions options;
  options.cid = args.ftp.cid;  // the context FTP will use (FtpConfig::cid, 0 by default)
  options.apn = args.apn;      // empty: keep the network's default APN
  bool up = false;

  modem.async_initialize([&](std::error_code ec) {
    if (ec) {
      std::cerr << "initialise failed: " << ec.message() << "\n";
      return modem.close();
    }
    modem.async_bearer_up(options, [&](std::error_code up_ec, sim7080::BearerInfo info) {
      if (up_ec) {
        // CmeErrc::sim_not_inserted / sim_pin_required: check the SIM; AtErrc::timeout: no
        // network attach or activation in time (coverage, APN, or the SIM's data plan).
        std::cerr << "bearer up failed: " << up_ec.message() << "\n";
      } else {
        std::cout << "operator: " << info.operator_name << " (signal rssi " << info.rssi << ")\n"
                  << "context " << options.cid << " active, IP address " << info.address << "\n";
        // Verify: the context reads active and has a real address.
        up = info.active && !info.address.empty() && info.address != "0.0.0.0";
      }
      modem.close();
    });
  });

  io.run();
  return up ? 0 : 1;
}
