// A two-line consumer of sim7080 built as a subproject: it must compile with only the public
// headers, link sim7080::sim7080, and see the library's error messages.
#include <sim7080/sim7080.hpp>

#include <asio/io_context.hpp>
#include <cstdio>
#include <string>

int main() {
  asio::io_context io;
  sim7080::Modem modem(io.get_executor());
  const std::string message = sim7080::make_error_code(sim7080::FtpErrc::password_error).message();
  std::printf("sim7080 %s: %s\n", sim7080::version_string, message.c_str());
  return message == "FTP password error (72)" ? 0 : 1;
}
