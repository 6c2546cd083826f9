// callback_get: download one file with plain completion callbacks.
//
//   FTP_PASSWORD=... callback_get --device /dev/ttyUSB2 --server HOST --port 21 --user U REMOTE LOCAL
//
// Every operation of the library is asynchronous: you start it with a function (a "completion
// handler") that the library calls, on the io_context's thread, when the operation is over.
// Here the steps are chained by starting the next one from the previous one's handler:
//   open the port -> initialise the modem -> ask the file's size -> download -> check -> close.
// The bearer (the modem's data connection) must already be up: see bearer_up.cpp.
#include <asio/io_context.hpp>
#include <filesystem>
#include <iostream>

#include "example_args.hpp"

int main(int argc, char** argv) {
  example::Args args;
  if (!example::parse_args(argc, argv, args, 2, 2, "REMOTE LOCAL")) return 2;
  const std::string remote = args.files[0];
  const std::string local = args.files[1];

  asio::io_context io;                      // runs every handler below, on this thread
  sim7080::Modem modem(io.get_executor());  // the serial link and its AT command channel
  if (auto ec = modem.open(args.serial)) {  // synchronous: no modem, no point going on
    std::cerr << args.serial.device << ": " << ec.message() << "\n";
    return 1;
  }
  sim7080::FtpSession ftp(modem, args.ftp);  // sends nothing yet: settings go with the first operation
  sim7080::FileSink sink(local);             // writes LOCAL.part, renamed to LOCAL on success
  bool verified = false;

  // The last step of every path: report, then close the modem. Closing ends the pending serial
  // read, so io.run() below runs out of work and returns.
  auto finish = [&](const char* what, std::error_code ec) {
    if (ec) std::cerr << what << " failed: " << ec.message() << "\n";
    modem.close();
  };

  modem.async_initialize([&](std::error_code ec) {  // AT, ATE0, AT+CMEE=1
    if (ec) return finish("initialise", ec);
    ftp.async_size(remote, [&](std::error_code size_ec, std::uint64_t size) {  // AT+FTPSIZE
      if (size_ec) return finish("size", size_ec);
      sim7080::GetOptions options;
      options.expected_size = size;  // fewer bytes than this -> AtErrc::truncated, not success
      ftp.async_get(remote, sink, options, [&, size](std::error_code get_ec, sim7080::TransferResult result) {
        if (get_ec) return finish("download", get_ec);
        // Verify: the handler ran after the sink committed, so LOCAL is complete on disk.
        std::error_code fs_ec;
        verified = result.bytes == size && std::filesystem::file_size(local, fs_ec) == size && !fs_ec;
        std::cout << "downloaded " << result.bytes << " of " << size << " bytes to " << local << "\n";
        finish("verify", verified ? std::error_code{} : make_error_code(sim7080::AtErrc::truncated));
      });
    });
  });

  io.run();  // everything above happens inside this call
  return verified ? 0 : 1;
}
