// resume_download: download a file over a flaky link, resuming where a failed try stopped.
//
//   FTP_PASSWORD=... resume_download --device /dev/ttyUSB2 --server HOST --user U [--tries 5] REMOTE LOCAL
//
// On an error that is worth retrying (ec == sim7080::Condition::retryable: a network or server
// timeout, a dropped data connection, a modem restart, ...) it calls async_get again with
// GetOptions::offset = the bytes already on disk: the module then sends FTP REST <offset>
// (AT+FTPREST) and the server continues from there. Only GetMethod::get supports an offset.
// Written as a C++20 coroutine (see coroutine_list.cpp); the bytes go to LOCAL.resume, which
// is renamed to LOCAL once its size matches the server's.
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <filesystem>
#include <iostream>

#include "example_args.hpp"

namespace fs = std::filesystem;

// A FileSink in append mode keeps the bytes of earlier tries, but on a failure it throws away
// the bytes of the failed try (abandon() deletes its .part file). This wrapper keeps them
// instead (abandon() commits): what arrived before the failure is exactly the resume point.
class KeepPartialSink final : public sim7080::DownloadSink {
 public:
  explicit KeepPartialSink(const fs::path& path) : file_(path, /*append=*/true) {}
  std::error_code begin() override { return file_.begin(); }
  std::error_code write(std::span<const std::byte> bytes) override { return file_.write(bytes); }
  std::error_code commit() override { return file_.commit(); }
  void abandon() override { (void)file_.commit(); }

 private:
  sim7080::FileSink file_;
};

asio::awaitable<bool> download(sim7080::Modem& modem, sim7080::FtpSession& ftp, std::string remote, fs::path local,
                               int tries) {
  co_await modem.async_initialize(asio::use_awaitable);
  const std::uint64_t size = co_await ftp.async_size(remote, asio::use_awaitable);  // AT+FTPSIZE
  const fs::path partial = local.string() + ".resume";
  fs::remove(partial);  // start from byte 0 (keep it instead to resume an earlier run's file)
  KeepPartialSink sink(partial);

  for (int attempt = 1; attempt <= tries; ++attempt) {
    std::error_code fs_ec;
    const std::uint64_t so_far = fs::exists(partial) ? fs::file_size(partial, fs_ec) : 0;
    sim7080::GetOptions options;
    options.offset = so_far;                  // AT+FTPREST=<so_far> before AT+FTPGET=1
    options.expected_size = size - so_far;    // the bytes this try must deliver
    std::error_code ec;
    const auto result = co_await ftp.async_get(remote, sink, options, asio::redirect_error(asio::use_awaitable, ec));
    std::cout << "try " << attempt << ": from byte " << so_far << ", got " << result.bytes << " bytes"
              << (ec ? ": " + ec.message() : std::string()) << "\n";
    if (!ec) break;
    if (ec != sim7080::Condition::retryable) throw std::system_error(ec);  // e.g. 77: no such file
    if (attempt == tries) co_return false;
    if (ec == sim7080::Condition::link_lost) {
      // The modem restarted (or its port came back): its settings are gone, initialise again.
      // After a real restart the bearer is down too: bring it up as bearer_up.cpp does.
      co_await modem.async_initialize(asio::redirect_error(asio::use_awaitable, ec));
    }
    asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::seconds(attempt));
    co_await pause.async_wait(asio::use_awaitable);  // back off a little before the next try
  }
  // Verify: the whole file is here, then give it its real name.
  std::error_code fs_ec;
  if (fs::file_size(partial, fs_ec) != size || fs_ec) co_return false;
  fs::rename(partial, local);
  std::cout << "downloaded " << size << " bytes to " << local.string() << "\n";
  co_return true;
}

int main(int argc, char** argv) {
  example::Args args;
  if (!example::parse_args(argc, argv, args, 2, 2, "[--tries N] REMOTE LOCAL")) return 2;

  asio::io_context io;
  sim7080::Modem modem(io.get_executor());
  if (auto ec = modem.open(args.serial)) {
    std::cerr << args.serial.device << ": " << ec.message() << "\n";
    return 1;
  }
  sim7080::FtpSession ftp(modem, args.ftp);
  bool ok = false;
  asio::co_spawn(io, download(modem, ftp, args.files[0], args.files[1], args.tries),
                 [&](std::exception_ptr error, bool done) {
                   try {
                     if (error) std::rethrow_exception(error);
                     ok = done;
                   } catch (const std::exception& e) {
                     std::cerr << "download failed: " << e.what() << "\n";
                   }
                   modem.close();
                 });
  io.run();
  return ok ? 0 : 1;
}
