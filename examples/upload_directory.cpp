// upload_directory: upload every regular file of a local directory (not its subdirectories).
//
//   FTP_PASSWORD=... upload_directory --device /dev/ttyUSB2 --server HOST --user U LOCAL_DIR REMOTE_DIR
//
// One operation at a time is all the modem allows, so the files go one after the other: a
// plain loop, with asio::use_future and the io_context on its own thread (as in
// future_put.cpp). Each upload is checked against the server's AT+FTPSIZE; the program goes
// on after a failed file and exits 0 only if every file arrived whole.
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/use_future.hpp>
#include <filesystem>
#include <iostream>
#include <thread>

#include "example_args.hpp"

namespace fs = std::filesystem;

// Runs `start` on the io_context's thread (Modem and FtpSession are not thread-safe) and
// returns what it returned: the operation's std::future.
template <class F>
auto on_io(asio::io_context& io, F start) {
  return asio::post(io, asio::use_future(std::move(start))).get();
}

int main(int argc, char** argv) {
  example::Args args;
  if (!example::parse_args(argc, argv, args, 2, 2, "LOCAL_DIR REMOTE_DIR")) return 2;
  const fs::path local_dir = args.files[0];
  std::string remote_dir = args.files[1];
  if (remote_dir.empty() || remote_dir.back() != '/') remote_dir += '/';

  asio::io_context io;
  sim7080::Modem modem(io.get_executor());
  if (auto ec = modem.open(args.serial)) {
    std::cerr << args.serial.device << ": " << ec.message() << "\n";
    return 1;
  }
  sim7080::FtpSession ftp(modem, args.ftp);
  std::jthread io_thread([&io] { io.run(); });

  int uploaded = 0, failed = 0;
  try {
    on_io(io, [&] { return modem.async_initialize(asio::use_future); }).get();
    // Create REMOTE_DIR; if it exists already the server refuses (FTP error 77): that is fine.
    if (remote_dir != "/") {
      try {
        on_io(io, [&] { return ftp.async_mkdir(remote_dir.substr(0, remote_dir.size() - 1), asio::use_future); }).get();
      } catch (const std::system_error& e) {
        if (e.code() != sim7080::FtpErrc::operate_error) throw;
      }
    }
    for (const fs::directory_entry& entry : fs::directory_iterator(local_dir)) {
      if (!entry.is_regular_file()) continue;  // skips directories, sockets, devices...
      const std::string remote = remote_dir + entry.path().filename().string();
      sim7080::FileSource source(entry.path());
      try {
        if (auto ec = source.open_error()) throw std::system_error(ec);
        on_io(io, [&] { return ftp.async_put(source, remote, {}, asio::use_future); }).get();
        const std::uint64_t on_server = on_io(io, [&] { return ftp.async_size(remote, asio::use_future); }).get();
        if (source.size() != on_server) throw std::system_error(make_error_code(sim7080::AtErrc::truncated));
        std::cout << entry.path().string() << " -> " << remote << " (" << on_server << " bytes)\n";
        ++uploaded;
      } catch (const std::system_error& e) {
        // e.g. a retryable error: you could try this file again (see resume_download.cpp).
        std::cerr << entry.path().string() << ": " << e.code().message() << "\n";
        ++failed;
      }
    }
  } catch (const std::exception& e) {  // initialise, mkdir, or reading LOCAL_DIR failed
    std::cerr << "upload_directory: " << e.what() << "\n";
    ++failed;
  }
  std::cout << uploaded << " uploaded, " << failed << " failed\n";
  asio::post(io, [&modem] { modem.close(); });  // run() returns, ~jthread joins
  return failed == 0 ? 0 : 1;
}
