#include "ftp_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstring>

namespace sim7080emu {

namespace {

struct Ctx {
  const FtpRequest& req;
  Transfer& t;
  std::FILE* file = nullptr;
  bool ram_overflow = false;
  std::size_t mem_off = 0;
  bool user_accepted = false;  // saw "331" (USER ok, password wanted)
  std::string last_reply;
  std::string reply_213;       // value of the last "213 <x>" reply (SIZE, MDTM)
};

// Percent-encode a remote path for the URL; a leading '/' becomes %2F so that, with NOCWD,
// libcurl sends the absolute path verbatim ("RETR /dir/file").
std::string url_path(const std::string& path) {
  std::string out = "/";
  std::size_t i = 0;
  if (!path.empty() && path[0] == '/') {
    out += "%2F";
    i = 1;
  }
  for (; i < path.size(); ++i) {
    auto c = static_cast<unsigned char>(path[i]);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned>(c));
    }
  }
  return out;
}

std::size_t on_write(char* p, std::size_t sz, std::size_t nm, void* ud) {
  auto& c = *static_cast<Ctx*>(ud);
  std::size_t n = sz * nm, allowed = n;
  bool drop = false;
  std::uint64_t done = c.t.progress.load();
  if (c.t.drop_after && done + n > *c.t.drop_after) {
    allowed = done < *c.t.drop_after ? static_cast<std::size_t>(*c.t.drop_after - done) : 0;
    drop = true;
  }
  switch (c.req.sink) {
    case SinkKind::Pipe:
      if (!c.t.push_download(p, allowed)) return 0;
      break;
    case SinkKind::Ram: {
      std::lock_guard lk(c.req.ram->m);
      if (c.req.ram->data.size() + allowed > c.req.ram_capacity) {
        c.ram_overflow = true;
        return 0;
      }
      c.req.ram->data.insert(c.req.ram->data.end(), p, p + allowed);
      break;
    }
    case SinkKind::File:
      if (std::fwrite(p, 1, allowed, c.file) != allowed) return 0;
      break;
  }
  c.t.progress += allowed;
  if (drop) {
    c.t.dropped = true;
    return 0;  // CURLE_WRITE_ERROR: the "connection died"
  }
  return n;
}

std::size_t on_read(char* buf, std::size_t sz, std::size_t nm, void* ud) {
  auto& c = *static_cast<Ctx*>(ud);
  std::size_t max = sz * nm;
  std::uint64_t done = c.t.progress.load();
  if (c.t.drop_after) {
    if (done >= *c.t.drop_after) {
      c.t.dropped = true;
      return CURL_READFUNC_ABORT;
    }
    max = std::min<std::size_t>(max, static_cast<std::size_t>(*c.t.drop_after - done));
  }
  std::size_t n = 0;
  if (c.req.source == SourceKind::Pipe) {
    auto r = c.t.pull_upload(buf, max);
    if (!r) return CURL_READFUNC_ABORT;
    n = *r;
  } else {
    n = std::min(max, c.req.memory.size() - c.mem_off);
    std::memcpy(buf, c.req.memory.data() + c.mem_off, n);
    c.mem_off += n;
  }
  c.t.progress += n;
  return n;
}

// FTP server replies arrive here; used to tell USER from PASS rejection and to read "213".
std::size_t on_header(char* p, std::size_t sz, std::size_t nm, void* ud) {
  auto& c = *static_cast<Ctx*>(ud);
  std::size_t n = sz * nm;
  std::string line(p, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (c.req.verbose) std::fprintf(stderr, "[ftp] %s\n", line.c_str());
  if (line.rfind("331", 0) == 0) c.user_accepted = true;
  if (line.rfind("213 ", 0) == 0) c.reply_213 = line.substr(4);
  c.last_reply = line;
  return n;
}

int on_progress(void* ud, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Ctx*>(ud)->t.aborted() ? 1 : 0;  // AT+FTPQUIT, idle timeout, reboot
}

int map_error(CURLcode rc, const Ctx& c) {
  bool download = c.req.kind == JobKind::Retrieve || c.req.kind == JobKind::List;
  bool upload = c.req.kind == JobKind::Store;
  if (c.t.dropped) return upload ? 78 : 79;
  if (c.t.aborted()) return 80;
  if (c.ram_overflow) return 79;  // file larger than module RAM (choice, spec leaves it open)
  switch (rc) {
    case CURLE_OK: return 0;
    case CURLE_COULDNT_RESOLVE_HOST: return 62;
    case CURLE_COULDNT_CONNECT: return 63;
    case CURLE_OPERATION_TIMEDOUT: return 64;
    case CURLE_LOGIN_DENIED: return c.user_accepted ? 72 : 71;
    case CURLE_REMOTE_FILE_NOT_FOUND:
    case CURLE_QUOTE_ERROR:
    case CURLE_FTP_COULDNT_RETR_FILE:
    case CURLE_REMOTE_ACCESS_DENIED: return 77;
    case CURLE_UPLOAD_FAILED:
    case CURLE_SEND_ERROR: return 78;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_WRITE_ERROR: return download ? 79 : 78;
    case CURLE_FTP_WEIRD_PASV_REPLY:
    case CURLE_FTP_WEIRD_227_FORMAT:
    case CURLE_FTP_CANT_GET_HOST: return 75;
    case CURLE_FTP_PORT_FAILED:
    case CURLE_FTP_ACCEPT_FAILED:
    case CURLE_FTP_ACCEPT_TIMEOUT: return 76;
    case CURLE_FTP_COULDNT_SET_TYPE: return 73;
    case CURLE_FTP_COULDNT_USE_REST:
    case CURLE_BAD_DOWNLOAD_RESUME: return 74;
    case CURLE_WEIRD_SERVER_REPLY: return 70;
    case CURLE_SSL_CONNECT_ERROR: return 90;
    case CURLE_USE_SSL_FAILED: return 92;
    default: return 65;
  }
}

}  // namespace

std::string join_remote(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (name.empty()) return dir;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

FtpResult run_ftp(const FtpRequest& req, Transfer& t) {
  FtpResult res;
  Ctx c{req, t, nullptr, false, 0, false, {}, {}};
  if (req.sink == SinkKind::File) {
    c.file = std::fopen(req.file_path.c_str(), "wb");
    if (!c.file) {
      res.code = 65;
      return res;
    }
  }
  CURL* h = curl_easy_init();
  std::string base = fmt::format("{}://{}:{}", req.ssl_type == 1 ? "ftps" : "ftp", req.host,
                                 req.port);
  bool dir_url = req.kind == JobKind::List || req.kind == JobKind::Quote ||
                 req.kind == JobKind::Size || req.kind == JobKind::Mdtm;
  std::string url = base + (dir_url ? std::string("/") : url_path(req.path));
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, req.user.c_str());
  curl_easy_setopt(h, CURLOPT_PASSWORD, req.password.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FTP_FILEMETHOD, static_cast<long>(CURLFTPMETHOD_NOCWD));
  // The module speaks plain PASV / PORT, so do the same (PASV trouble maps to 75, PORT to 76).
  curl_easy_setopt(h, CURLOPT_FTP_USE_EPSV, 0L);
  curl_easy_setopt(h, CURLOPT_FTP_USE_EPRT, 0L);
  if (!req.passive) curl_easy_setopt(h, CURLOPT_FTPPORT, "-");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, 75L);
  curl_easy_setopt(h, CURLOPT_ACCEPTTIMEOUT_MS, 30000L);
  if (req.ascii) curl_easy_setopt(h, CURLOPT_TRANSFERTEXT, 1L);
  if (req.ssl_type == 2) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (req.ssl_type != 0) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &c);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &c);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &c);

  curl_slist* quote = nullptr;
  std::string custom;
  switch (req.kind) {
    case JobKind::Retrieve:
      if (req.resume_from > 0)
        curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE,
                         static_cast<curl_off_t>(req.resume_from));
      break;
    case JobKind::Store:
      curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(h, CURLOPT_READDATA, &c);
      if (req.append) curl_easy_setopt(h, CURLOPT_APPEND, 1L);
      if (req.source == SourceKind::Memory)
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
                         static_cast<curl_off_t>(req.memory.size()));
      break;
    case JobKind::List:
      // "LIST <path>": a directory lists its entries, a file path gives its own line.
      custom = req.path.empty() ? std::string("LIST") : "LIST " + req.path;
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, custom.c_str());
      break;
    case JobKind::Quote:
      for (const auto& q : req.quote) quote = curl_slist_append(quote, q.c_str());
      break;
    case JobKind::Size:
      // pyftpdlib (and RFC 3659 servers) refuse SIZE in ASCII mode.
      quote = curl_slist_append(quote, "TYPE I");
      quote = curl_slist_append(quote, ("SIZE " + req.path).c_str());
      break;
    case JobKind::Mdtm:
      quote = curl_slist_append(quote, ("MDTM " + req.path).c_str());
      break;
  }
  if (quote) {
    curl_easy_setopt(h, CURLOPT_QUOTE, quote);
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  }
  CURLcode rc = curl_easy_perform(h);
  if (req.verbose) std::fprintf(stderr, "[ftp] %s -> curl %d (%s)\n", url.c_str(),
                                static_cast<int>(rc), curl_easy_strerror(rc));
  res.code = map_error(rc, c);
  res.size = t.progress.load();
  if (res.code == 0 && req.kind == JobKind::Size) {
    try {
      res.size = std::stoull(c.reply_213);
    } catch (...) {
      res.code = 70;
    }
  }
  if (res.code == 0 && req.kind == JobKind::Mdtm) {
    res.mdtm = c.reply_213.substr(0, c.reply_213.find('.'));  // drop an RFC 3659 fraction
    if (res.mdtm.size() != 14) res.code = 70;
  }
  curl_slist_free_all(quote);
  curl_easy_cleanup(h);
  if (c.file) {
    std::fclose(c.file);
    if (res.code != 0) std::remove(req.file_path.c_str());  // partial file is deleted (§3.23)
  }
  return res;
}

}  // namespace sim7080emu
