#include "gateway/auth/jwks_refresher.hpp"

#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "gateway/auth/jwk.hpp"
#include "gateway/auth/jwt_verifier.hpp"
#include "gateway/core/log.hpp"

namespace gangway {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kRetry = 5s;
constexpr auto kTimeout = 5s;
constexpr std::size_t kMaxBodyBytes = 1 << 20;  // real key sets are a few KiB

}  // namespace

JwksRefresher::JwksRefresher(std::string app, std::string url, auth::JwtVerifier& verifier,
                             std::chrono::seconds refresh, std::string ca_file)
    : app_(std::move(app)),
      url_(std::move(url)),
      ca_file_(std::move(ca_file)),
      verifier_(verifier),
      refresh_(std::max(refresh, std::chrono::seconds(1))),
      min_gap_(std::min<std::chrono::seconds>(refresh_, 30s)) {
  ok_ = fetch();
  last_fetch_ = Clock::now();
  verifier_.on_unknown_kid([this] { kick(); });
  thread_ = std::thread([this] { run(); });
}

JwksRefresher::~JwksRefresher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void JwksRefresher::kick() {
  {
    std::lock_guard lock(mu_);
    if (kicked_) return;
    kicked_ = true;
  }
  cv_.notify_all();
}

void JwksRefresher::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    auto due = last_fetch_ + (ok_ ? std::chrono::duration_cast<Clock::duration>(refresh_) : kRetry);
    if (kicked_) due = std::min(due, last_fetch_ + min_gap_);
    if (Clock::now() < due) {
      cv_.wait_until(lock, due);  // or a kick, or stop: then look again
      continue;
    }
    kicked_ = false;
    lock.unlock();
    bool ok = fetch();
    lock.lock();
    ok_ = ok;
    last_fetch_ = Clock::now();
  }
}

bool JwksRefresher::fetch() {
  auto scheme_end = url_.find("://");
  auto path_start = scheme_end == std::string::npos ? std::string::npos : url_.find('/', scheme_end + 3);
  std::string origin = url_.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "/" : url_.substr(path_start);
  httplib::Client client(origin);
  client.set_connection_timeout(kTimeout);
  client.set_read_timeout(kTimeout);
  if (!ca_file_.empty()) client.set_ca_cert_path(ca_file_);  // else the system trust store
  auto res = client.Get(path);
  std::string problem;
  if (!res) {
    problem = "fetch failed: " + httplib::to_string(res.error());
  } else if (res->status != 200) {
    problem = "HTTP status " + std::to_string(res->status);
  } else if (res->body.size() > kMaxBodyBytes) {
    problem = "key set larger than 1 MiB";
  }
  if (!problem.empty()) {
    log_line("error", app_, "jwks not refreshed, keeping the last keys", {{"url", url_}, {"reason", problem}});
    return false;
  }
  auto set = auth::parse_jwks(res->body);
  if (!set) {
    log_line("error", app_, "jwks not refreshed, keeping the last keys", {{"url", url_}, {"reason", set.error()}});
    return false;
  }
  for (const auto& why : set->skipped) log_line("warn", app_, "jwks key skipped", {{"url", url_}, {"reason", why}});
  try {
    verifier_.set_remote_keys(set->keys);
  } catch (const std::exception& e) {
    log_line("error", app_, "jwks not refreshed, keeping the last keys", {{"url", url_}, {"reason", e.what()}});
    return false;
  }
  log_line("info", app_, "jwks refreshed", {{"url", url_}, {"keys", set->keys.size()}});
  return true;
}

}  // namespace gangway
