#pragma once
// One JSON line per event on stdout, the format `gangway listening` uses, so a
// log shipper reads the gateway's own lines like any other structured log.
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace gangway {

// {"level": level, "msg": msg, "app": app (left out when empty), ...extra}; written whole, so lines
// from different threads do not interleave.
void log_line(const char* level, const std::string& app, const std::string& msg, const nlohmann::json& extra);
void log_line(const char* level, const std::string& app, const std::string& msg);

}  // namespace gangway
