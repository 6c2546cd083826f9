// One FTP job through libcurl: connect, log in, do one thing, close (the module's model, §3.0).
// Runs on a worker thread; talks to the modem core only through a Transfer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "event_queue.hpp"
#include "transfer.hpp"

namespace sim7080emu {

enum class JobKind { Retrieve, Store, List, Quote, Size, Mdtm };
enum class SinkKind { Pipe, Ram, File };     // where downloaded bytes go
enum class SourceKind { Pipe, Memory };      // where uploaded bytes come from

struct FtpRequest {
  JobKind kind = JobKind::Retrieve;
  std::string host;
  std::uint32_t port = 21;
  std::string user, password;
  bool passive = true;
  bool ascii = false;
  int ssl_type = 0;  // 0 plain, 1 implicit, 2 explicit (AUTH TLS); certificates not checked
  std::string path;  // remote file, or LIST target ("" = login directory)
  std::vector<std::string> quote;  // Quote jobs: raw commands
  std::uint64_t resume_from = 0;
  bool append = false;
  SinkKind sink = SinkKind::Pipe;
  std::shared_ptr<RamBuffer> ram;
  std::size_t ram_capacity = 0;
  std::string file_path;  // SinkKind::File: local file (removed again on failure)
  SourceKind source = SourceKind::Pipe;
  std::string memory;     // SourceKind::Memory
  bool verbose = false;
};

// Blocking; returns the §5.1 session code (0 = success) plus SIZE/MDTM values.
FtpResult run_ftp(const FtpRequest& req, Transfer& t);

// Joins a remote directory and file name with exactly one '/' (§8 Q19).
std::string join_remote(const std::string& dir, const std::string& name);

}  // namespace sim7080emu
