// Every error enumerator of include/sim7080/error.hpp: a message, the right category, and the
// Condition mapping of src/ftp/condition.cpp (style guide practice 6).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>

#include "at/error_table.hpp"
#include "ftp/error_table.hpp"
#include "sim7080/error.hpp"

namespace sim7080 {
namespace {

constexpr std::array kAtErrcs{
    AtErrc::timeout,         AtErrc::line_too_long,   AtErrc::malformed_line,   AtErrc::error_result,
    AtErrc::protocol_error,  AtErrc::modem_restarted, AtErrc::modem_powered_down, AtErrc::invalid_argument,
    AtErrc::channel_closed,  AtErrc::busy,            AtErrc::truncated,  AtErrc::baud_rate_fallback,
};

constexpr std::array kFtpErrcs{
    FtpErrc::net_error,      FtpErrc::dns_error,         FtpErrc::connect_error,  FtpErrc::timeout,
    FtpErrc::server_error,   FtpErrc::operation_not_allowed, FtpErrc::reply_error, FtpErrc::user_error,
    FtpErrc::password_error, FtpErrc::type_error,        FtpErrc::rest_error,     FtpErrc::passive_error,
    FtpErrc::active_error,   FtpErrc::operate_error,     FtpErrc::upload_error,   FtpErrc::download_error,
    FtpErrc::manual_quit,    FtpErrc::ssl_connect_error, FtpErrc::ssl_alert_error, FtpErrc::auth_error,
    FtpErrc::pbsz_error,     FtpErrc::prot_error,
};

constexpr std::array kCmeErrcs{
    CmeErrc::operation_not_allowed,  CmeErrc::operation_not_supported, CmeErrc::sim_not_inserted,
    CmeErrc::sim_pin_required,       CmeErrc::sim_puk_required,        CmeErrc::sim_failure,
    CmeErrc::sim_busy,               CmeErrc::sim_wrong,               CmeErrc::incorrect_password,
    CmeErrc::no_network_service,     CmeErrc::network_timeout,         CmeErrc::unknown,
    CmeErrc::gprs_services_not_allowed, CmeErrc::unspecified_gprs_error, CmeErrc::pdp_authentication_failure,
    CmeErrc::dns_resolve_failed,     CmeErrc::socket_open_failed,      CmeErrc::operation_overtime,
    CmeErrc::network_connection_failed, CmeErrc::gprs_not_attached,    CmeErrc::tcpip_stack_busy,
    CmeErrc::file_not_found,         CmeErrc::unrecognized_command,    CmeErrc::syntax_error,
    CmeErrc::unspecified_error,      CmeErrc::data_transfer_already,   CmeErrc::action_already,
    CmeErrc::multi_command_too_long, CmeErrc::invalid_input_value,     CmeErrc::unsupported_mode,
    CmeErrc::operation_failed,       CmeErrc::param_count_not_enough,  CmeErrc::param_count_beyond,
    CmeErrc::param_value_range_beyond, CmeErrc::param_type_not_match,  CmeErrc::param_format_invalid,
    CmeErrc::null_param,             CmeErrc::cfun_state_0_or_4,
};

constexpr std::array kTransportErrcs{
    TransportErrc::no_device, TransportErrc::port_vanished, TransportErrc::configure_failed,
    TransportErrc::not_open,
};

constexpr std::array kConditions{Condition::retryable, Condition::auth_failed, Condition::not_found,
                                 Condition::link_lost};

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(AtErrc, EveryEnumeratorHasMessageAndCategory) {
  for (auto e : kAtErrcs) {
    const std::error_code ec = e;
    SCOPED_TRACE(static_cast<int>(e));
    EXPECT_TRUE(ec);
    EXPECT_STREQ(ec.category().name(), "sim7080.at");
    EXPECT_FALSE(ec.message().empty());
    EXPECT_EQ(ec.message(), at::at_error_message(e));
    EXPECT_NE(ec.message(), "unknown AT layer error");
  }
  // Values are consecutive from 1, so the array above lists them all.
  EXPECT_EQ(static_cast<int>(kAtErrcs.back()), static_cast<int>(kAtErrcs.size()));
}

TEST(AtErrc, MessagesAreDistinct) {
  for (std::size_t i = 0; i < kAtErrcs.size(); ++i) {
    for (std::size_t j = i + 1; j < kAtErrcs.size(); ++j) {
      EXPECT_NE(make_error_code(kAtErrcs[i]).message(), make_error_code(kAtErrcs[j]).message());
    }
  }
}

TEST(AtErrc, UnknownValueStillHasAMessage) {
  const std::error_code ec{999, at_category()};
  EXPECT_FALSE(ec.message().empty());
}

TEST(FtpErrc, EveryEnumeratorHasMessageAndCategory) {
  EXPECT_EQ(kFtpErrcs.size(), ftp::ftp_error_table().size());
  for (auto e : kFtpErrcs) {
    const std::error_code ec = e;
    const int code = static_cast<int>(e);
    SCOPED_TRACE(code);
    EXPECT_STREQ(ec.category().name(), "sim7080.ftp");
    EXPECT_EQ(ec.value(), code);  // values equal the module's numbers
    EXPECT_EQ(ec, make_ftp_error(code));
    const auto* row = ftp::find_ftp_error(code);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->errc, e);
    EXPECT_FALSE(row->advice.empty());
    EXPECT_EQ(ec.message(), std::string(row->label) + " (" + std::to_string(code) + ")");
  }
}

TEST(FtpErrc, MessagesNameTheModuleCode) {
  EXPECT_EQ(make_error_code(FtpErrc::password_error).message(), "FTP password error (72)");
  EXPECT_EQ(make_error_code(FtpErrc::timeout).message(), "FTP timeout (64)");
  EXPECT_EQ(make_error_code(FtpErrc::operation_not_allowed).message(), "FTP operation not allowed (66)");
  EXPECT_EQ(make_error_code(FtpErrc::manual_quit).message(), "FTP session quit (80)");
}

TEST(FtpErrc, UnknownCodesGetAGenericMessage) {
  // spec §5.1: 2–60, 67–69, 81–89, 95+ are "FTP error <code>".
  for (int code : {2, 60, 67, 68, 69, 81, 89, 95, 255}) {
    SCOPED_TRACE(code);
    const auto ec = make_ftp_error(code);
    EXPECT_STREQ(ec.category().name(), "sim7080.ftp");
    EXPECT_EQ(ftp::find_ftp_error(code), nullptr);
    EXPECT_EQ(ec.message(), "FTP error (" + std::to_string(code) + ")");
  }
  EXPECT_EQ(make_ftp_error(67).message(), "FTP error (67)");
}

TEST(FtpErrc, TableRowsAreUniqueAndSorted) {
  const auto table = ftp::ftp_error_table();
  for (std::size_t i = 1; i < table.size(); ++i) EXPECT_LT(table[i - 1].code, table[i].code);
  for (const auto& row : table) EXPECT_EQ(static_cast<int>(row.errc), row.code);
}

TEST(CmeErrc, EveryEnumeratorHasMessageAndCategory) {
  EXPECT_EQ(kCmeErrcs.size(), at::cme_error_table().size());
  for (auto e : kCmeErrcs) {
    const std::error_code ec = e;
    const int code = static_cast<int>(e);
    SCOPED_TRACE(code);
    EXPECT_STREQ(ec.category().name(), "sim7080.cme");
    EXPECT_EQ(ec, make_cme_error(code));
    const auto* row = at::find_cme_error(code);
    ASSERT_NE(row, nullptr);
    EXPECT_TRUE(contains(ec.message(), row->text)) << ec.message();
    EXPECT_TRUE(contains(ec.message(), "+CME ERROR: " + std::to_string(code))) << ec.message();
    EXPECT_EQ(at::find_cme_error_text(row->text), row);
  }
}

TEST(CmeErrc, VerboseTextLookupIsCaseInsensitive) {
  const auto* row = at::find_cme_error_text("OPERATION NOT ALLOWED");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->code, 3);
  EXPECT_EQ(at::find_cme_error_text("no such text"), nullptr);
}

TEST(CmeErrc, UnknownCodeHasGenericMessage) {
  const auto ec = make_cme_error(12345);
  EXPECT_EQ(ec.message(), "modem error (+CME ERROR: 12345)");
}

TEST(TransportErrc, EveryEnumeratorHasMessageAndCategory) {
  for (auto e : kTransportErrcs) {
    const std::error_code ec = e;
    SCOPED_TRACE(static_cast<int>(e));
    EXPECT_STREQ(ec.category().name(), "sim7080.transport");
    EXPECT_FALSE(ec.message().empty());
    EXPECT_NE(ec.message(), "serial transport error");  // the fallback is for unknown values only
  }
  EXPECT_EQ(static_cast<int>(kTransportErrcs.back()), static_cast<int>(kTransportErrcs.size()));
}

TEST(Condition, EveryEnumeratorHasMessageAndCategory) {
  for (auto c : kConditions) {
    const std::error_condition cond = c;
    SCOPED_TRACE(static_cast<int>(c));
    EXPECT_STREQ(cond.category().name(), "sim7080.condition");
    EXPECT_FALSE(cond.message().empty());
    EXPECT_NE(cond.message(), "unknown condition");
  }
}

TEST(Condition, FtpMapping) {
  EXPECT_EQ(make_error_code(FtpErrc::timeout), Condition::retryable);  // 64
  EXPECT_EQ(make_error_code(FtpErrc::password_error), Condition::auth_failed);  // 72
  EXPECT_EQ(make_error_code(FtpErrc::user_error), Condition::auth_failed);  // 71
  EXPECT_EQ(make_error_code(FtpErrc::operate_error), Condition::not_found);  // 77
  EXPECT_EQ(make_error_code(FtpErrc::net_error), Condition::link_lost);  // 61
  EXPECT_EQ(make_error_code(FtpErrc::net_error), Condition::retryable);
  for (auto e : {FtpErrc::dns_error, FtpErrc::connect_error, FtpErrc::upload_error, FtpErrc::download_error,
                 FtpErrc::ssl_connect_error}) {
    EXPECT_EQ(make_error_code(e), Condition::retryable) << static_cast<int>(e);
  }
  // Not retryable: repeating the same request meets the same refusal.
  EXPECT_NE(make_error_code(FtpErrc::password_error), Condition::retryable);
  EXPECT_NE(make_error_code(FtpErrc::timeout), Condition::auth_failed);
  EXPECT_NE(make_error_code(FtpErrc::timeout), Condition::not_found);
  // An unknown code matches nothing.
  for (auto c : kConditions) EXPECT_NE(make_ftp_error(67), c);
}

TEST(Condition, FtpErrcThatMatchNothing) {
  for (auto e : {FtpErrc::operation_not_allowed, FtpErrc::server_error, FtpErrc::reply_error, FtpErrc::type_error,
                 FtpErrc::manual_quit, FtpErrc::auth_error}) {
    for (auto c : kConditions) EXPECT_NE(make_error_code(e), c) << static_cast<int>(e) << " vs " << static_cast<int>(c);
  }
}

TEST(Condition, AtMapping) {
  EXPECT_EQ(make_error_code(AtErrc::modem_restarted), Condition::link_lost);
  EXPECT_EQ(make_error_code(AtErrc::modem_powered_down), Condition::link_lost);
  EXPECT_EQ(make_error_code(AtErrc::timeout), Condition::retryable);
  EXPECT_NE(make_error_code(AtErrc::timeout), Condition::link_lost);
  for (auto c : kConditions) EXPECT_NE(make_error_code(AtErrc::invalid_argument), c);
  for (auto c : kConditions) EXPECT_NE(make_error_code(AtErrc::busy), c);
}

TEST(Condition, TransportMapping) {
  EXPECT_EQ(make_error_code(TransportErrc::port_vanished), Condition::link_lost);
  EXPECT_NE(make_error_code(TransportErrc::no_device), Condition::link_lost);
  EXPECT_NE(make_error_code(TransportErrc::configure_failed), Condition::retryable);
}

TEST(Condition, CmeMapping) {
  EXPECT_EQ(make_error_code(CmeErrc::incorrect_password), Condition::auth_failed);
  EXPECT_EQ(make_error_code(CmeErrc::pdp_authentication_failure), Condition::auth_failed);
  EXPECT_EQ(make_error_code(CmeErrc::file_not_found), Condition::not_found);
  EXPECT_EQ(make_error_code(CmeErrc::sim_busy), Condition::retryable);
  EXPECT_NE(make_error_code(CmeErrc::syntax_error), Condition::retryable);
}

TEST(Condition, ForeignErrorsMatchNothing) {
  const auto ec = std::make_error_code(std::errc::timed_out);
  for (auto c : kConditions) EXPECT_NE(ec, c);
}

TEST(Categories, AreDistinctSingletons) {
  EXPECT_EQ(&at_category(), &at_category());
  EXPECT_NE(at_category(), ftp_category());
  EXPECT_NE(ftp_category(), cme_category());
  EXPECT_NE(cme_category(), transport_category());
  // Same number, different category: not equal.
  EXPECT_NE(make_error_code(AtErrc::timeout), std::error_code(1, ftp_category()));
}

}  // namespace
}  // namespace sim7080
