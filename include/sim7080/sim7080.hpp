#pragma once
/// @file sim7080.hpp
/// Umbrella header: everything a host application needs.
#include "sim7080/error.hpp"
#include "sim7080/ftp_session.hpp"
#include "sim7080/ftp_types.hpp"
#include "sim7080/modem.hpp"
#include "sim7080/ports.hpp"
#include "sim7080/serial_options.hpp"
#include "sim7080/trace.hpp"
#include "sim7080/transfer_io.hpp"
#include "sim7080/version.hpp"
