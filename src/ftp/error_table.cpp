#include "ftp/error_table.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace sim7080::ftp {
namespace {

constexpr std::array<FtpErrorRow, 22> kRows{{
    {61, FtpErrc::net_error, "FTP network error", "bearer down or FTPCID names an inactive PDP context: bring the bearer up"},
    {62, FtpErrc::dns_error, "FTP DNS error", "the server name could not be resolved: check the name or use an IP address"},
    {63, FtpErrc::connect_error, "FTP connect error", "the TCP connection to the server failed: check host, port and firewall"},
    {64, FtpErrc::timeout, "FTP timeout", "the server did not answer, or data was left unread too long: retry"},
    {65, FtpErrc::server_error, "FTP server error", "the server answered with an error reply"},
    {66, FtpErrc::operation_not_allowed, "FTP operation not allowed", "another operation is active or a name is empty"},
    {70, FtpErrc::reply_error, "FTP reply error", "the server's reply could not be understood"},
    {71, FtpErrc::user_error, "FTP user error", "the server rejected the user name"},
    {72, FtpErrc::password_error, "FTP password error", "the server rejected the password"},
    {73, FtpErrc::type_error, "FTP type error", "the server rejected the transfer type"},
    {74, FtpErrc::rest_error, "FTP rest error", "the server rejected the restart offset"},
    {75, FtpErrc::passive_error, "FTP passive mode error", "PASV failed: try active mode, or check the server"},
    {76, FtpErrc::active_error, "FTP active mode error", "PORT failed: active mode rarely works behind carrier NAT, use passive"},
    {77, FtpErrc::operate_error, "FTP operate error", "the command failed on the server, e.g. no such file or directory"},
    {78, FtpErrc::upload_error, "FTP upload error", "the data connection failed during an upload: retry"},
    {79, FtpErrc::download_error, "FTP download error", "the data connection failed during a download: resume from the offset"},
    {80, FtpErrc::manual_quit, "FTP session quit", "the operation was ended by AT+FTPQUIT"},
    {90, FtpErrc::ssl_connect_error, "FTP SSL connect error", "the TLS handshake failed: check certificates and SSL context"},
    {91, FtpErrc::ssl_alert_error, "FTP SSL alert error", "the peer sent a TLS alert"},
    {92, FtpErrc::auth_error, "FTP AUTH error", "AUTH TLS was rejected: the server may not support explicit FTPS"},
    {93, FtpErrc::pbsz_error, "FTP PBSZ error", "PBSZ was rejected by the server"},
    {94, FtpErrc::prot_error, "FTP PROT error", "PROT was rejected in TLS mode"},
}};

class FtpCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "sim7080.ftp"; }
  std::string message(int code) const override {
    if (const auto* row = find_ftp_error(code)) {
      return std::string(row->label) + " (" + std::to_string(code) + ")";
    }
    return "FTP error (" + std::to_string(code) + ")";
  }
  std::error_condition default_error_condition(int code) const noexcept override;
};

}  // namespace

std::span<const FtpErrorRow> ftp_error_table() noexcept { return kRows; }

const FtpErrorRow* find_ftp_error(int code) noexcept {
  auto it = std::find_if(kRows.begin(), kRows.end(), [code](const FtpErrorRow& r) { return r.code == code; });
  return it == kRows.end() ? nullptr : &*it;
}

std::error_condition FtpCategory::default_error_condition(int code) const noexcept {
  return {code, *this};
}

}  // namespace sim7080::ftp

namespace sim7080 {
const std::error_category& ftp_category() noexcept {
  static const ftp::FtpCategory category;
  return category;
}
}  // namespace sim7080
