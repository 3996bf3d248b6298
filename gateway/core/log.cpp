#include "gateway/core/log.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace gangway {

void log_line(const char* level, const std::string& app, const std::string& msg, const nlohmann::json& extra) {
  nlohmann::json line = {{"level", level}, {"msg", msg}};
  if (!app.empty()) line["app"] = app;  // gateway-wide lines belong to no app
  if (extra.is_object()) line.update(extra);
  std::cout << line.dump() + "\n" << std::flush;
}

void log_line(const char* level, const std::string& app, const std::string& msg) {
  log_line(level, app, msg, nlohmann::json());
}

}  // namespace gangway
