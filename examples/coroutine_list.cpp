// coroutine_list: list a remote directory from a C++20 coroutine.
//
//   FTP_PASSWORD=... coroutine_list --device /dev/ttyUSB2 --server HOST --port 21 --user U [REMOTE_DIR]
//
// With the completion token asio::use_awaitable an operation can be co_await-ed inside an
// asio::awaitable<> coroutine: the code reads top to bottom, yet the thread is never blocked
// (the coroutine is suspended while the modem works). A failed operation throws
// std::system_error; asio::redirect_error(asio::use_awaitable, ec) stores the error code in
// `ec` instead, for errors you expect and handle.
// asio::co_spawn starts the coroutine on the io_context; io.run() drives it to the end.
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <iostream>

#include "example_args.hpp"

using sim7080::ListEntry;

asio::awaitable<void> list(sim7080::Modem& modem, sim7080::FtpSession& ftp, std::string dir) {
  co_await modem.async_initialize(asio::use_awaitable);  // throws on failure

  std::error_code ec;
  const std::vector<ListEntry> entries = co_await ftp.async_list(dir, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == sim7080::Condition::not_found) {  // FTP error 77: no such directory
    std::cerr << dir << ": no such directory (" << ec.message() << ")\n";
    throw std::system_error(ec);
  }
  if (ec) throw std::system_error(ec);

  for (const ListEntry& e : entries) {
    const char* kind = e.kind == ListEntry::Kind::directory ? "dir " : e.kind == ListEntry::Kind::file ? "file" : "other";
    std::cout << kind << "  " << (e.size_bytes ? std::to_string(*e.size_bytes) : std::string("-")) << "  " << e.name
              << "\n";
  }
  std::cout << entries.size() << " entries in " << dir << "\n";
}

int main(int argc, char** argv) {
  example::Args args;
  if (!example::parse_args(argc, argv, args, 0, 1, "[REMOTE_DIR]")) return 2;
  const std::string dir = args.files.empty() ? "/" : args.files[0];

  asio::io_context io;
  sim7080::Modem modem(io.get_executor());
  if (auto ec = modem.open(args.serial)) {
    std::cerr << args.serial.device << ": " << ec.message() << "\n";
    return 1;
  }
  sim7080::FtpSession ftp(modem, args.ftp);

  int status = 1;
  // The third argument is called once the coroutine ends: with a null exception_ptr on
  // success, else with what it threw.
  asio::co_spawn(io, list(modem, ftp, dir), [&](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
      status = 0;
    } catch (const std::system_error& e) {
      std::cerr << "list failed: " << e.code().message() << "\n";
    }
    modem.close();  // ends the pending serial read: io.run() returns
  });
  io.run();
  return status;
}
