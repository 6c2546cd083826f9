// future_put: upload one file, written as straight-line code with std::future.
//
//   FTP_PASSWORD=... future_put --device /dev/ttyUSB2 --server HOST --port 21 --user U LOCAL REMOTE
//
// With the completion token asio::use_future an operation returns a std::future instead of
// calling a handler; future.get() waits for the result, or throws std::system_error carrying
// the operation's error code. Waiting blocks the thread, so the io_context that does the work
// must run on another thread: here a std::jthread.
//
// Modem and FtpSession are not thread-safe: all their calls must be made on the io_context's
// thread. on_io() below posts a function there and returns what it returned (here: the
// operation's own future).
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/use_future.hpp>
#include <iostream>
#include <thread>

#include "example_args.hpp"

template <class F>
auto on_io(asio::io_context& io, F start) {
  return asio::post(io, asio::use_future(std::move(start))).get();
}

int main(int argc, char** argv) {
  example::Args args;
  if (!example::parse_args(argc, argv, args, 2, 2, "LOCAL REMOTE")) return 2;
  const std::string local = args.files[0];
  const std::string remote = args.files[1];

  sim7080::FileSource source(local);
  if (auto ec = source.open_error()) {
    std::cerr << local << ": " << ec.message() << "\n";
    return 2;
  }
  asio::io_context io;
  sim7080::Modem modem(io.get_executor());
  if (auto ec = modem.open(args.serial)) {
    std::cerr << args.serial.device << ": " << ec.message() << "\n";
    return 1;
  }
  sim7080::FtpSession ftp(modem, args.ftp);
  // The open port keeps a read pending, so run() returns only after modem.close().
  std::jthread io_thread([&io] { io.run(); });

  int status = 1;
  try {
    on_io(io, [&] { return modem.async_initialize(asio::use_future); }).get();
    const sim7080::TransferResult sent =
        on_io(io, [&] { return ftp.async_put(source, remote, {}, asio::use_future); }).get();
    // Verify: ask the server for the size of what it now holds (AT+FTPSIZE).
    const std::uint64_t on_server = on_io(io, [&] { return ftp.async_size(remote, asio::use_future); }).get();
    std::cout << "uploaded " << sent.bytes << " bytes; the server has " << on_server << "\n";
    if (source.size() == on_server && sent.bytes == on_server) status = 0;
  } catch (const std::system_error& e) {
    // e.code() is the library's error code: compare it with sim7080::Condition::retryable etc.
    std::cerr << "upload failed: " << e.code().message() << "\n";
  }
  asio::post(io, [&modem] { modem.close(); });  // close on the io thread; run() then returns
  return status;                                // ~jthread joins the io thread first
}
