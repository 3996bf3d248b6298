#include "gateway/session/upgrade_gate.hpp"

#include <algorithm>
#include <optional>

#include "gateway/backend/store_answer.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/route.hpp"
#include "gateway/core/subject.hpp"

namespace gangway {

namespace {

// Anyone can have upgrades refused at will: at most 10 lines per 10 s.
LogLimiter refusals;

// A header or path as a log may show it: bounded.
std::string bounded(std::string_view s) { return std::string(s.substr(0, 200)); }

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

void UpgradeGate::run(const UpgradeRequest& request) const {
  AppRuntime& app = session_->app();
  Target target = parse_target(request.target);
  std::optional<Params> params;
  for (const auto& route : app.routes)
    if ((params = route.match(target.path))) break;
  // The path only: the query may hold a token.
  if (!params) return refuse(404, "not_found", {{"path", bounded(target.path)}});
  if (!request.websocket) return refuse(426, "upgrade_required", {{"path", bounded(target.path)}});
  if (!origin_allowed(request.origin))
    return refuse(403, "origin_refused", {{"path", bounded(target.path)}, {"origin", bounded(request.origin)}});
  session_->info().params = std::move(*params);
  session_->credentials().cookie.assign(request.cookie);
  if (app.config.session) return authenticate_cookie([gate = *this](bool ok) { gate.authenticated(ok); });
  authenticated(authenticate_token(request, target.query));
}

bool UpgradeGate::origin_allowed(std::string_view origin) const {
  const auto& allowed = session_->app().config.allowed_origins;
  // No Origin: not a browser, so no cross-site request to guard against.
  if (allowed.empty() || origin.empty()) return true;
  return std::find(allowed.begin(), allowed.end(), "*") != allowed.end() ||
         std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
}

bool UpgradeGate::authenticate_token(const UpgradeRequest& request, const Params& query) const {
  AppRuntime& app = session_->app();
  if (!app.jwt) return false;
  std::vector<std::string> sources = app.config.token_sources;
  if (sources.empty()) sources = {app.adapter->credential() == Credential::bearer ? "bearer" : "query:token"};
  std::string& token = session_->credentials().token;
  for (const auto& source : sources) {
    if (source == "bearer") {
      if (request.authorization.size() > 7 && iequals_prefix(request.authorization, "Bearer "))
        token.assign(request.authorization.substr(7));
    } else if (source.rfind("query:", 0) == 0) {
      if (auto it = query.find(source.substr(6)); it != query.end()) token = it->second;
    }
    if (!token.empty()) break;
  }
  if (token.empty()) return false;
  auto verified = app.jwt->verify(token, unix_now());
  if (!verified) return false;
  session_->info().user = std::move(verified->user);
  settle(verified->claims);
  return is_valid_id(session_->info().user.id);  // the user id becomes a subject token
}

void UpgradeGate::authenticate_cookie(std::function<void(bool)> done) const {
  const auto& auth = *session_->app().config.session;
  if (cookie_value(session_->credentials().cookie, auth.cookie).empty()) return done(false);
  session_->call({auth.callout, {}}, [gate = *this, done = std::move(done)](backend::CalloutResult r) {
    if (!r.allowed() || !r.body.is_object()) return done(false);
    const auto& s = *gate.session_->app().config.session;
    auto text_at = [&](const std::string& pointer) -> std::string {
      auto v = r.body.value(Json::json_pointer(pointer), Json());
      if (v.is_string()) return v.get<std::string>();
      if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
      return "";
    };
    Principal& user = gate.session_->info().user;
    user.id = text_at(s.user_pointer);
    user.name = text_at(s.name_pointer);
    user.username = text_at(s.username_pointer);
    if (user.username.empty()) user.username = user.name;
    gate.settle(r.body);
    done(is_valid_id(user.id));
  });
}

void UpgradeGate::settle(const Json& claims) const {
  AppRuntime& app = session_->app();
  // Of the rest, only what the app's templates name outlives the upgrade.
  if (!app.kept_claims.empty() && claims.is_object()) {
    Claims& kept = session_->info().claims;
    for (const auto& name : app.kept_claims) {
      const Json* value = nullptr;
      if (name.front() == '/') {
        try {
          Json::json_pointer ptr(name);
          if (claims.contains(ptr)) value = &claims.at(ptr);
        } catch (const Json::exception&) {
        }
      } else if (auto it = claims.find(name); it != claims.end()) {
        value = &*it;
      }
      if (value) kept.emplace_back(name, value->dump(-1, ' ', false, Json::error_handler_t::replace));
    }
  }
  if (!app.config.admin_pointer.empty() && claims.is_object()) {
    auto v = claims.value(Json::json_pointer(app.config.admin_pointer), Json());
    session_->info().user.admin = v.is_boolean() && v.get<bool>();
  }
  // Only callouts that forward them read the credentials later, and a JWT is
  // a few hundred bytes kept for the socket's life.
  Credentials& credentials = session_->credentials();
  if (!app.forwards_bearer) std::string().swap(credentials.token);
  if (!app.forwards_cookie) std::string().swap(credentials.cookie);
  if (credentials.token.empty() && credentials.cookie.empty()) session_->drop_credentials();
}

void UpgradeGate::authenticated(bool ok) const {
  AppRuntime& app = session_->app();
  if (!ok) {
    auto failure = app.adapter->auth_failure();
    refused("unauthorized", failure.close_code ? failure.close_code : static_cast<int>(failure.http_status));
    if (failure.close_code == 0) return handshake_->refuse(failure.http_status);
    return accept_then_close(failure.close_code, "Unauthorized", "");
  }
  if (!within_connection_limits()) {
    bool before_accepting = app.adapter->auth_failure().close_code == 0;
    refused("too_many_connections", before_accepting ? 429 : 1008);
    if (before_accepting) return handshake_->refuse(429);
    return accept_then_close(1008, "Too many connections", "");
  }
  check_open();
}

bool UpgradeGate::within_connection_limits() const {
  const Limits& l = session_->app().limits;
  Services& services = session_->services();
  const SessionInfo& info = session_->info();
  if (l.max_connections_per_user > 0 &&
      services.presence->count(info.app, {"user", info.user.id}, info.user.id) >=
          static_cast<std::size_t>(l.max_connections_per_user))
    return false;
  return l.connections_per_minute <= 0 ||
         services.rates->allow(info.app, info.user.id, "connect", {{l.connections_per_minute, 60}});
}

void UpgradeGate::check_open() const {
  auto plan = session_->app().adapter->plan_open(session_->info());
  if (plan.refuse_close_code) return accept_then_close(plan.refuse_close_code, "Refused", "refused");
  auto checks = std::make_shared<std::vector<CalloutCall>>(std::move(plan.checks));
  // A dialect with a close code for "forbidden" accepts first and closes
  // with it; the others are refused with 403 (or 503) before accepting.
  const int close_code = plan.forbidden_close_code;
  auto checked = [gate = *this, close_code](backend::CalloutResult::Outcome outcome) {
    using Outcome = backend::CalloutResult::Outcome;
    Session& session = *gate.session_;
    if (outcome == Outcome::allowed) {
      if (close_code) return session.open();
      return gate.handshake_->accept([&session] { session.open(); });
    }
    bool denied = outcome == Outcome::denied;
    // Fail closed: an unreachable backend is not permission, but it is not "forbidden" either.
    int answer = close_code == 0 ? (denied ? 403 : 503) : (denied ? close_code : 1011);
    gate.refused(denied ? "forbidden" : "unavailable", answer);
    if (close_code == 0) return gate.handshake_->refuse(static_cast<unsigned>(answer));
    gate.handshake_->close(answer, denied ? "Forbidden" : "Authorization unavailable");
  };
  if (close_code == 0) return run_checks(checks, 0, checked);
  handshake_->accept([gate = *this, checks, checked] { gate.run_checks(checks, 0, checked); });
}

void UpgradeGate::run_checks(std::shared_ptr<std::vector<CalloutCall>> checks, std::size_t i,
                             std::function<void(backend::CalloutResult::Outcome)> done) const {
  if (i == checks->size()) return done(backend::CalloutResult::Outcome::allowed);
  session_->call((*checks)[i], [gate = *this, checks, i, done](backend::CalloutResult r) {
    if (!r.allowed()) return done(r.outcome);
    // A membership list is read where the callout says (list_pointer, id_pointer).
    const auto& callouts = gate.session_->app().config.callouts;
    auto spec = callouts.find((*checks)[i].name);
    gate.session_->info().context[(*checks)[i].name] =
        spec == callouts.end() ? std::move(r.body) : backend::membership_ids(spec->second, r.body);
    gate.run_checks(checks, i + 1, done);
  });
}

void UpgradeGate::refused(std::string_view reason, int answer) const {
  AppRuntime& app = session_->app();
  session_->services().metrics->error(app.config.name, reason);
  app.metrics->upgrades_refused.fetch_add(1, std::memory_order_relaxed);
  log_refusal(reason, answer, Json::object());
}

void UpgradeGate::refuse(unsigned status, std::string_view reason, Json fields) const {
  session_->services().metrics->error(session_->app().config.name, reason);
  log_refusal(reason, static_cast<int>(status), std::move(fields));
  handshake_->refuse(status);
}

void UpgradeGate::log_refusal(std::string_view reason, int answer, Json fields) const {
  if (!log_enabled(LogLevel::info)) return;
  fields["reason"] = reason;
  fields[answer >= 1000 ? "close_code" : "status"] = answer;
  log_limited(refusals, LogLevel::info, "upgrade refused", session_->log_context(), std::move(fields));
}

void UpgradeGate::accept_then_close(int code, std::string_view why, std::string_view reason) const {
  if (!reason.empty()) refused(reason, code);
  handshake_->accept([handshake = handshake_, code, why = std::string(why)] { handshake->close(code, why); });
}

}  // namespace gangway
