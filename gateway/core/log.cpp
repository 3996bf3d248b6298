#include "gateway/core/log.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace gangway {

void log_line(const char* level, const std::string& app, const std::string& msg, const nlohmann::json& extra) {
  nlohmann::json line = {{"level", level}, {"msg", msg}, {"app", app}};
  if (extra.is_object()) line.update(extra);
  std::cout << line.dump() + "\n" << std::flush;
}

void log_line(const char* level, const std::string& app, const std::string& msg) {
  log_line(level, app, msg, nlohmann::json());
}

}  // namespace gangway
