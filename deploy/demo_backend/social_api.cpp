// Seed 003's public HTTP API (cookie-authenticated). The gateway's callouts
// live in social_internal.cpp.
#include "deploy/demo_backend/social_api.hpp"

#include <cstdio>

#include "deploy/demo_backend/social_ids.hpp"
#include "deploy/demo_backend/social_json.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/route.hpp"

namespace demo {

using gangway::Json;

namespace {

HttpReply not_authenticated() { return error_reply(401, "Not authenticated"); }  // the session cookie is missing or stale

// limit/offset query parameters; on a bad value returns false with `error` set.
bool paging(const gangway::Params& q, std::size_t default_limit, std::size_t& limit, std::size_t& offset,
            HttpReply& error) {
  constexpr std::int64_t kMaxLimit = 1000;
  limit = default_limit;
  offset = 0;
  if (auto it = q.find("limit"); it != q.end()) {
    auto n = parse_social_id(it->second);
    if (!n || *n > kMaxLimit) return error = error_reply(400, "limit must be 1 to 1000"), false;
    limit = static_cast<std::size_t>(*n);
  }
  if (auto it = q.find("offset"); it != q.end() && it->second != "0") {
    auto n = parse_social_id(it->second);
    if (!n) return error = error_reply(400, "offset must be a whole number"), false;
    offset = static_cast<std::size_t>(*n);
  }
  return true;
}

// A required positive id in the query string.
std::optional<std::int64_t> query_id(const gangway::Params& q, const char* name) {
  auto it = q.find(name);
  return it == q.end() ? std::nullopt : parse_social_id(it->second);
}

}  // namespace

SocialApi::SocialApi(SocialStore& store, Publisher& publisher, gangway::Subjects subjects)
    : store_(store), publisher_(publisher), subjects_(std::move(subjects)) {}

std::optional<SocialUser> SocialApi::caller(std::string_view cookie_header) const {
  std::string token = gangway::cookie_value(cookie_header, kCookie);
  if (token.empty()) return std::nullopt;
  return store_.session_user(token);
}

HttpReply SocialApi::login(std::string_view content_type, std::string_view body, std::string& session) {
  std::string username, password;
  if (content_type.substr(0, 33) == "application/x-www-form-urlencoded") {
    auto form = gangway::parse_target("/?" + std::string(body)).query;
    username = form.count("username") ? form.at("username") : "";
    password = form.count("password") ? form.at("password") : "";
  } else {
    Json j = Json::parse(body, nullptr, false);
    if (!j.is_object()) return error_reply(400, "send username and password as a form or a JSON object");
    username = j.value("username", Json()).is_string() ? j["username"].get<std::string>() : "";
    password = j.value("password", Json()).is_string() ? j["password"].get<std::string>() : "";
  }
  if (username.empty() || password.empty()) return error_reply(400, "username and password are required");
  auto user = store_.check_password(username, password);
  if (!user) return error_reply(401, "Incorrect username or password");
  session = store_.create_session(user->id);
  return {200, session_json(*user)};
}

HttpReply SocialApi::logout(std::string_view cookie_header) {
  std::string token = gangway::cookie_value(cookie_header, kCookie);
  if (token.empty()) return {204, nullptr};
  auto user = store_.session_user(token);
  store_.end_session(token);
  if (user && !publisher_.publish(subjects_.disconnect("social", "user", std::to_string(user->id)),
                                  R"({"reason":"logout"})"))
    std::fprintf(stderr, "demo backend: the logout of social user %lld reached no gateway\n",
                 static_cast<long long>(user->id));
  return {204, nullptr};
}

HttpReply SocialApi::private_messages(std::string_view cookie_header, const gangway::Params& query) const {
  auto me = caller(cookie_header);
  if (!me) return not_authenticated();
  auto other = query_id(query, "user");
  if (!other) return error_reply(400, "user must be a user id");
  std::size_t limit = 0, offset = 0;
  HttpReply error;
  if (!paging(query, 50, limit, offset, error)) return error;
  Json out = Json::array();
  for (const auto& m : store_.private_messages(me->id, *other, limit, offset)) out.push_back(message_json(m));
  return {200, out};
}

HttpReply SocialApi::group_messages(std::string_view cookie_header, const gangway::Params& query) const {
  auto me = caller(cookie_header);
  if (!me) return not_authenticated();
  auto group = query_id(query, "group");
  if (!group) return error_reply(400, "group must be a group id");
  std::size_t limit = 0, offset = 0;
  HttpReply error;
  if (!paging(query, 50, limit, offset, error)) return error;
  if (store_.membership(*group, me->id) != SocialStore::Membership::accepted)
    return error_reply(403, "Only group members can read its messages");
  Json out = Json::array();
  for (const auto& m : store_.group_messages(std::to_string(*group), limit, offset))
    out.push_back(message_json(m));
  return {200, out};
}

HttpReply SocialApi::invite(std::string_view cookie_header, std::string_view body) {
  auto me = caller(cookie_header);
  if (!me) return not_authenticated();
  Json j = Json::parse(body, nullptr, false);
  if (!j.is_object()) return error_reply(400, "body must be a JSON object");
  auto group_id = social_id(j.value("group_id", Json()));
  auto user_id = social_id(j.value("user_id", Json()));
  if (!group_id || !user_id) return error_reply(400, "group_id and user_id must be ids");
  auto group = store_.group(*group_id);
  if (!group || !store_.user(*user_id)) return error_reply(400, "no such group or user");
  if (store_.membership(*group_id, me->id) != SocialStore::Membership::accepted)
    return error_reply(403, "Only group members can invite");
  if (store_.invite(*group_id, *user_id) == SocialStore::Membership::accepted)
    return error_reply(400, "already a member of this group");
  // The stored group's name, not the request's group_name: the invitee reads it.
  std::string message = "You were invited to join group '" + group->name + "'";
  deliver(*user_id, "group_invite", message, Json{{"group_id", *group_id}});
  return {201, Json{{"group_id", *group_id}, {"user_id", *user_id}, {"is_accepted", false}}};
}

HttpReply SocialApi::notifications(std::string_view cookie_header, const gangway::Params& query) const {
  auto me = caller(cookie_header);
  if (!me) return not_authenticated();
  std::size_t limit = 0, offset = 0;
  HttpReply error;
  if (!paging(query, 20, limit, offset, error)) return error;
  Json out = Json::array();
  for (const auto& n : store_.notifications(me->id, limit, offset)) out.push_back(notification_json(n));
  return {200, out};
}

HttpReply SocialApi::mark_read(std::string_view cookie_header) {
  auto me = caller(cookie_header);
  if (!me) return not_authenticated();
  store_.mark_read(me->id);
  return {204, nullptr};
}

}  // namespace demo
