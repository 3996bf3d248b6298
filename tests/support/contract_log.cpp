#include "tests/support/contract_log.hpp"

#include <gtest/gtest.h>
#include <strings.h>
#include <unistd.h>

#include <array>
#include <cerrno>  // program_invocation_short_name
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace gangway::test {

namespace {

constexpr std::array<std::string_view, 5> kDialects{"tribe", "circles", "pythia", "social", "winkr"};

const char* log_dir() { return std::getenv("GANGWAY_CONTRACT_LOG"); }

std::string current_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return info ? std::string(info->test_suite_name()) + "." + info->name() : "";
}

void append(nlohmann::json record) {
  static std::mutex mu;
  record["test"] = current_test_name();
  record["source"] = program_invocation_short_name;  // integration_tests, adapters_tests
  std::lock_guard lock(mu);
  std::ofstream out(std::string(log_dir()) + "/" + std::to_string(::getpid()) + ".jsonl", std::ios::app);
  out << record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace

bool contract_log_enabled() {
  const char* dir = log_dir();
  return dir && *dir;
}

std::string dialect_of_current_test() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (!info || !info->file()) return "";
  std::string file = info->file();
  file = file.substr(file.find_last_of('/') + 1);
  for (std::string_view d : kDialects)
    if (file.rfind(std::string(d) + "_", 0) == 0) return std::string(d);
  return "";
}

std::string dialect_of_socket(const std::string& target,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
  if (target.rfind("/api/v1/ws", 0) == 0) return "tribe";
  if (target.rfind("/ws/", 0) == 0) return "circles";
  for (const auto& [name, value] : headers) {
    if (strcasecmp(name.c_str(), "Authorization") == 0) return "winkr";
    if (strcasecmp(name.c_str(), "Cookie") == 0) return "social";
  }
  if (target.rfind("/ws?", 0) == 0 && target.find("token=") != std::string::npos) return "pythia";
  return "";
}

void record_frame(std::string_view dialect, std::string_view from, std::string_view frame) {
  if (!contract_log_enabled()) return;
  std::string d = dialect.empty() ? dialect_of_current_test() : std::string(dialect);
  append({{"kind", "ws"}, {"dialect", d}, {"from", from}, {"frame", frame}});
}

void record_nats(std::string_view subject, const std::vector<std::pair<std::string, std::string>>& headers,
                 std::string_view body) {
  if (!contract_log_enabled()) return;
  nlohmann::json h = nlohmann::json::object();
  for (const auto& [k, v] : headers) h[k] = v;
  append({{"kind", "nats"}, {"subject", subject}, {"headers", h}, {"body", body}});
}

}  // namespace gangway::test
