// Command table plus the general (non-FTP) commands: V.250 basics, CMEE, serial settings,
// CFUN/SIM/network status and the PDP bearer (§1, §2).
#include <fmt/format.h>

#include <algorithm>

#include "modem.hpp"

namespace sim7080emu {

namespace {
std::optional<std::uint64_t> num(const AtCommand& c, std::size_t i) {
  if (i >= c.args.size() || c.args[i].quoted) return std::nullopt;
  return parse_uint(c.args[i].text);
}
constexpr std::uint32_t kRates[] = {0,      300,     600,     1200,    2400,    4800,   9600,
                                    19200,  38400,   57600,   115200,  230400,  921600, 2000000,
                                    2900000, 3000000, 3200000, 3686400, 4000000};
}  // namespace

void Modem::build_table() {
  table_ = {
      {"+CMEE", &Modem::cmd_cmee},       {"+IFC", &Modem::cmd_ifc},
      {"+IPR", &Modem::cmd_ipr},         {"+ICF", &Modem::cmd_icf},
      {"+CFUN", &Modem::cmd_cfun},       {"+CPIN", &Modem::cmd_cpin},
      {"+CSQ", &Modem::cmd_csq},         {"+CGATT", &Modem::cmd_cgatt},
      {"+COPS", &Modem::cmd_cops},       {"+CGNAPN", &Modem::cmd_cgnapn},
      {"+CNCFG", &Modem::cmd_cncfg},     {"+CNACT", &Modem::cmd_cnact},
      {"+CGDCONT", &Modem::cmd_cgdcont}, {"+CFGRI", &Modem::cmd_cfgri},
      {"+CSSLCFG", &Modem::cmd_ok_any},
      {"+FTPPORT", &Modem::cmd_ftp_setter},    {"+FTPMODE", &Modem::cmd_ftp_setter},
      {"+FTPTYPE", &Modem::cmd_ftp_setter},    {"+FTPPUTOPT", &Modem::cmd_ftp_setter},
      {"+FTPCID", &Modem::cmd_ftp_setter},     {"+FTPREST", &Modem::cmd_ftp_setter},
      {"+FTPSERV", &Modem::cmd_ftp_setter},    {"+FTPUN", &Modem::cmd_ftp_setter},
      {"+FTPPW", &Modem::cmd_ftp_setter},      {"+FTPGETNAME", &Modem::cmd_ftp_setter},
      {"+FTPGETPATH", &Modem::cmd_ftp_setter}, {"+FTPPUTNAME", &Modem::cmd_ftp_setter},
      {"+FTPPUTPATH", &Modem::cmd_ftp_setter}, {"+FTPSSL", &Modem::cmd_ftpssl},
      {"+FTPGET", &Modem::cmd_ftpget},         {"+FTPLIST", &Modem::cmd_ftplist},
      {"+FTPPUT", &Modem::cmd_ftpput},         {"+FTPDELE", &Modem::cmd_ftp_simple},
      {"+FTPSIZE", &Modem::cmd_ftp_simple},    {"+FTPMKD", &Modem::cmd_ftp_simple},
      {"+FTPRMD", &Modem::cmd_ftp_simple},     {"+FTPRENAME", &Modem::cmd_ftp_simple},
      {"+FTPMDTM", &Modem::cmd_ftp_simple},    {"+FTPSTATE", &Modem::cmd_ftpstate},
      {"+FTPQUIT", &Modem::cmd_ftpquit},       {"+FTPEXTPUT", &Modem::cmd_ftpextput},
      {"+FTPEXTGET", &Modem::cmd_ftpextget},   {"+FTPETPUT", &Modem::cmd_ftpetput},
      {"+FTPETGET", &Modem::cmd_ftpetget},     {"+FTPTOFSST", &Modem::cmd_ftptofsst},
      {"+CFSINIT", &Modem::cmd_cfsinit},       {"+CFSWFILE", &Modem::cmd_cfswfile},
      {"+CFSTERM", &Modem::cmd_cfsterm},       {"+CFSDFILE", &Modem::cmd_cfsdfile},
  };
}

Modem::Reply Modem::dispatch(const AtCommand& c) {
  if (c.basic) return cmd_basic(c);
  auto it = table_.find(c.name);
  if (it == table_.end()) return cme(601);  // Unrecognized Command
  return (this->*(it->second))(c);
}

Modem::Reply Modem::cmd_basic(const AtCommand& c) {
  std::uint64_t v = 0;
  if (!c.args.empty() && !c.args[0].text.empty()) {
    auto n = parse_uint(c.args[0].text);
    if (!n) return cme(603);
    v = *n;
  }
  if (c.name == "E") {
    if (v > 1) return cme(765);
    bool on = v == 1;
    after_final([this, on] { echo_ = on; });  // "ATE0" itself is still echoed (done already)
    return ok();
  }
  if (c.name == "Q" || c.name == "V") return v == (c.name == "V" ? 1u : 0u) ? ok() : cme(4);
  if (c.name == "Z" || c.name == "&F" || c.name == "&W" || c.name == "&D" || c.name == "&C" ||
      c.name == "X")
    return ok();
  if (c.name == "I") {
    w_.line("SIM7080 R1951.05 (sim7080-emu)");
    return ok();
  }
  if (c.name.size() > 1 && c.name[0] == 'S') {
    if (c.form == Form::Read) {
      int reg = std::atoi(c.name.c_str() + 1);
      int val = reg == 3 ? 13 : reg == 4 ? 10 : reg == 5 ? 8 : 0;  // S3 fixed at CR (§1.1)
      w_.line(fmt::format("{:03}", val));
    }
    return ok();
  }
  return cme(601);
}

Modem::Reply Modem::cmd_cmee(const AtCommand& c) {
  switch (c.form) {
    case Form::Test: w_.line("+CMEE: (0,1,2)"); return ok();
    case Form::Read: w_.line(fmt::format("+CMEE: {}", cmee_)); return ok();
    case Form::Exec: cmee_ = 0; return ok();
    case Form::Write: {
      if (c.args.size() != 1) return cme(792);
      std::uint64_t v = 0;
      if (!c.args[0].text.empty()) {
        auto n = num(c, 0);
        if (!n || *n > 2) return cme(765);
        v = *n;
      }
      cmee_ = static_cast<int>(v);
      return ok();
    }
  }
  return ok();
}

Modem::Reply Modem::cmd_ifc(const AtCommand& c) {
  switch (c.form) {
    case Form::Test: w_.line("+IFC: (0-2),(0-2)"); return ok();
    case Form::Read: w_.line(fmt::format("+IFC: {},{}", ifc_[0], ifc_[1])); return ok();
    case Form::Exec: return ok();
    case Form::Write: {
      if (c.args.empty() || c.args.size() > 2) return cme(765);
      int v[2] = {ifc_[0], ifc_[1]};
      for (std::size_t i = 0; i < c.args.size(); ++i) {
        auto n = num(c, i);
        if (!n || *n > 2) return cme(765);
        v[i] = static_cast<int>(*n);
      }
      ifc_[0] = v[0];
      ifc_[1] = v[1];
      return ok();
    }
  }
  return ok();
}

Modem::Reply Modem::cmd_ipr(const AtCommand& c) {
  switch (c.form) {
    case Form::Test:
      w_.line("+IPR: (0,300,600,1200,2400,4800,9600,19200,38400,57600,115200,230400,921600,"
              "2000000,2900000,3000000,3200000,3686400,4000000)");
      return ok();
    case Form::Read: w_.line(fmt::format("+IPR: {}", ipr_)); return ok();
    case Form::Exec: return cme(603);
    case Form::Write: {
      auto n = num(c, 0);
      if (c.args.size() != 1 || !n || std::find(std::begin(kRates), std::end(kRates), *n) ==
                                          std::end(kRates))
        return cme(765);
      ipr_ = static_cast<std::uint32_t>(*n);
      // The new rate applies after the result code (§1.7): switch pacing once OK is out.
      after_final([this] { w_.set_baud(ipr_); });
      return ok();
    }
  }
  return ok();
}

Modem::Reply Modem::cmd_icf(const AtCommand& c) {
  switch (c.form) {
    case Form::Test: w_.line("+ICF: (3),(0-3)"); return ok();
    case Form::Read: w_.line(fmt::format("+ICF: {},{}", icf_[0], icf_[1])); return ok();
    case Form::Exec: return ok();
    case Form::Write: {
      auto f = num(c, 0);
      if (!f || *f != 3 || c.args.size() > 2) return cme(765);
      if (c.args.size() == 2) {
        auto p = num(c, 1);
        if (!p || *p > 3) return cme(765);
        icf_[1] = static_cast<int>(*p);
      }
      return ok();
    }
  }
  return ok();
}

void Modem::set_pdp(std::size_t idx, bool up) {
  pdp_[idx].active = up;
  // A bearer going down ends an FTP session that runs over it (§2.3: "probably 61"); the
  // session URC follows the command's result code like every session URC.
  if (!up && session_ && ftp_.cid == idx)
    after_final([this] {
      if (session_) abort_session(61);
    });
}

Modem::Reply Modem::cmd_cfun(const AtCommand& c) {
  switch (c.form) {
    case Form::Test: w_.line("+CFUN: (0,1,4-7),(0,1)"); return ok();
    case Form::Read: w_.line(fmt::format("+CFUN: {}", cfun_)); return ok();
    case Form::Exec: return cme(603);
    case Form::Write: {
      auto f = num(c, 0);
      std::uint64_t rst = 0;
      if (c.args.size() == 2) {
        auto r = num(c, 1);
        if (!r || *r > 1) return cme(765);
        rst = *r;
      }
      if (!f || c.args.size() > 2 || *f == 2 || *f == 3 || *f > 7) return cme(765);
      if (rst == 1 || *f == 6) {
        after_final([this] { boot(true); });
        return ok();
      }
      int old = cfun_;
      cfun_ = static_cast<int>(*f);
      if (cfun_ == 0 || cfun_ == 4) {
        for (std::size_t i = 0; i < pdp_.size(); ++i)
          if (pdp_[i].active) set_pdp(i, false);
        if (cfun_ == 0 && old != 0) w_.line("+CPIN: NOT READY");  // URC before the OK (AN2 4.2)
      } else if (cfun_ == 1 && old == 0) {
        after_final([this] { w_.line("+CPIN: READY"); });
      }
      return ok();
    }
  }
  return ok();
}

Modem::Reply Modem::cmd_cpin(const AtCommand& c) {
  if (c.form == Form::Read) {
    w_.line(cfun_ == 0 ? "+CPIN: NOT READY" : "+CPIN: READY");
    return ok();
  }
  if (c.form == Form::Test) return ok();
  return cme(3);
}

Modem::Reply Modem::cmd_csq(const AtCommand& c) {
  if (c.form == Form::Test) {
    w_.line("+CSQ: (0-31,99),(0-7,99)");
  } else if (c.form == Form::Exec) {
    w_.line(cfun_ == 1 ? "+CSQ: 27,99" : "+CSQ: 99,99");
  } else {
    return cme(603);
  }
  return ok();
}

Modem::Reply Modem::cmd_cgatt(const AtCommand& c) {
  if (c.form == Form::Read) w_.line(fmt::format("+CGATT: {}", cfun_ == 1 ? 1 : 0));
  if (c.form == Form::Test) w_.line("+CGATT: (0,1)");
  return ok();
}

Modem::Reply Modem::cmd_cops(const AtCommand& c) {
  if (c.form == Form::Read)
    w_.line(cfun_ == 1 ? "+COPS: 0,0,\"CHN-CT\",9" : "+COPS: 0");
  return ok();
}

Modem::Reply Modem::cmd_cgnapn(const AtCommand& c) {
  if (c.form == Form::Test) {
    w_.line("+CGNAPN: (0,1),120");
  } else if (c.form == Form::Exec) {
    w_.line(cfun_ == 1 ? "+CGNAPN: 1,\"ctnb\"" : "+CGNAPN: 0,\"\"");
  } else {
    return cme(603);
  }
  return ok();
}

Modem::Reply Modem::cmd_cncfg(const AtCommand& c) {
  switch (c.form) {
    case Form::Test: w_.line("+CNCFG: (0-3),(0-4),150,127,127,(0-3)"); return ok();
    case Form::Read:
      for (std::size_t i = 0; i < pdp_.size(); ++i) {
        const auto& p = pdp_[i];
        w_.line(fmt::format("+CNCFG: {},{},\"{}\",\"{}\",\"{}\",{}", i, p.ip_type, p.apn, p.user,
                            p.password, p.auth));
      }
      return ok();
    case Form::Exec: return cme(603);
    case Form::Write: {
      auto idx = num(c, 0);
      auto type = num(c, 1);
      if (c.args.size() < 2 || c.args.size() > 6 || !idx || *idx > 3 || !type || *type > 4)
        return cme(765);
      PdpContext p = pdp_[*idx];
      p.ip_type = static_cast<int>(*type);
      p.apn = c.args.size() > 2 ? c.args[2].text : "";
      p.user = c.args.size() > 3 ? c.args[3].text : "";
      p.password = c.args.size() > 4 ? c.args[4].text : "";
      p.auth = 0;
      if (c.args.size() > 5) {
        auto a = num(c, 5);
        if (!a || *a > 3) return cme(765);
        p.auth = static_cast<int>(*a);
      }
      if (p.apn.size() > 150 || p.user.size() > 127 || p.password.size() > 127) return cme(765);
      pdp_[*idx] = p;
      return ok();
    }
  }
  return ok();
}

Modem::Reply Modem::cmd_cnact(const AtCommand& c) {
  switch (c.form) {
    case Form::Test: w_.line("+CNACT: (0-3),(0-2)"); return ok();
    case Form::Read:
      for (std::size_t i = 0; i < pdp_.size(); ++i)
        w_.line(fmt::format("+CNACT: {},{},\"{}\"", i, pdp_[i].active ? 1 : 0,
                            pdp_[i].active ? opt_.pdp_address : "0.0.0.0"));
      return ok();
    case Form::Exec: return cme(603);
    case Form::Write: {
      auto idx = num(c, 0);
      auto act = num(c, 1);
      if (c.args.size() != 2 || !idx || *idx > 3 || !act || *act > 2) return cme(765);
      std::size_t i = *idx;
      if (*act == 0) {
        bool was = pdp_[i].active;
        if (was) set_pdp(i, false);
        if (was) after_final([this, i] { w_.line(fmt::format("+APP PDP: {},DEACTIVE", i)); });
        return ok();
      }
      // Activating needs the radio; activating an active context is refused (undocumented
      // on the real module: a driver should read AT+CNACT? first, §2.3).
      if (cfun_ != 1 || pdp_[i].active) return cme(3);
      pdp_[i].active = true;
      after_final([this, i] { w_.line(fmt::format("+APP PDP: {},ACTIVE", i)); });
      return ok();
    }
  }
  return ok();
}

Modem::Reply Modem::cmd_cgdcont(const AtCommand& c) {
  switch (c.form) {
    case Form::Test: w_.line("+CGDCONT: (1-15),\"IP\",,,(0-2),(0-4)"); return ok();
    case Form::Read:
      for (const auto& [cid, s] : cgdcont_) w_.line(fmt::format("+CGDCONT: {},{}", cid, s));
      return ok();
    case Form::Exec: return ok();
    case Form::Write: {
      auto cid = num(c, 0);
      if (!cid || *cid < 1 || *cid > 15) return cme(765);
      std::string rest;
      for (std::size_t i = 1; i < c.args.size(); ++i) {
        if (i > 1) rest += ',';
        rest += c.args[i].quoted ? "\"" + c.args[i].text + "\"" : c.args[i].text;
      }
      if (c.args.size() == 1) {
        cgdcont_.erase(static_cast<int>(*cid));
      } else {
        cgdcont_[static_cast<int>(*cid)] = rest;
      }
      return ok();
    }
  }
  return ok();
}

Modem::Reply Modem::cmd_cfgri(const AtCommand& c) {
  switch (c.form) {
    case Form::Test: w_.line("+CFGRI: (0-2)"); return ok();
    case Form::Read: w_.line(fmt::format("+CFGRI: {}", cfgri_)); return ok();
    case Form::Exec: return cme(603);
    case Form::Write: {
      auto n = num(c, 0);
      if (c.args.size() != 1 || !n || *n > 2) return cme(765);
      cfgri_ = static_cast<int>(*n);
      return ok();
    }
  }
  return ok();
}

Modem::Reply Modem::cmd_ok_any(const AtCommand&) { return ok(); }

}  // namespace sim7080emu
