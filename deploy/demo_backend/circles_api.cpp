#include "deploy/demo_backend/circles_api.hpp"

#include <algorithm>
#include <cstdio>

#include "gateway/core/clock.hpp"

namespace demo {

using gangway::Json;

namespace {

HttpReply bus_down() { return error_reply(503, "Message bus unavailable, nothing stored"); }

// The field, or nullptr when it is absent or null (both mean "not given").
const Json* optional_field(const Json& j, const char* key) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

// dm_reply for replies, dm_media for media, dm_message otherwise; the data the user socket shows.
std::pair<std::string, Json> notice_of(const CirclesMessage& m) {
  Json data{{"thread_id", m.thread_id}, {"message_id", m.id}, {"from_user", m.sender_id},
            {"text", m.text}, {"created_at", m.created_at}};
  if (m.reply_to_id) {
    data["reply_to_id"] = *m.reply_to_id;
    return {"dm_reply", data};
  }
  if (m.media_url) {
    data["media_url"] = *m.media_url;
    return {"dm_media", data};
  }
  return {"dm_message", data};
}

}  // namespace

std::optional<CirclesUser> CirclesApi::caller(std::string_view bearer) const {
  auto sub = tokens_.verify(bearer, gangway::unix_now());
  if (!sub) return std::nullopt;
  auto id = parse_int_id(*sub);
  return id ? store_.user(*id) : std::nullopt;
}

std::variant<CirclesThread, HttpReply> CirclesApi::writable_thread(const CirclesUser& u,
                                                                   std::string_view thread_id) const {
  auto id = parse_int_id(thread_id);
  auto t = id ? store_.thread(*id) : std::nullopt;
  if (!t) return error_reply(404, "Thread not found");
  if (std::find(t->participants.begin(), t->participants.end(), u.id) == t->participants.end())
    return error_reply(403, "Not a participant of this thread");
  if (t->status != "accepted") return error_reply(403, "Thread is not accepted");
  return *t;
}

HttpReply CirclesApi::login(std::string_view body) const {
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  auto username = j->find("username");
  auto password = j->find("password");
  if (username == j->end() || !username->is_string() || password == j->end() || !password->is_string())
    return error_reply(422, "username and password are required strings");
  auto u = store_.check_password(username->get<std::string>(), password->get<std::string>());
  if (!u) return error_reply(401, "Incorrect username or password");
  User token_user{std::to_string(u->id), u->username, u->name, ""};
  return {200, Json{{"access_token", tokens_.mint(token_user, gangway::unix_now())},
                    {"token_type", "bearer"},
                    {"user", person_json(*u)}}};
}

HttpReply CirclesApi::me(std::string_view bearer) const {
  auto u = caller(bearer);
  return u ? HttpReply{200, person_json(*u)} : unauthorized();
}

HttpReply CirclesApi::list_threads(std::string_view bearer) const {
  auto u = caller(bearer);
  if (!u) return unauthorized();
  Json out = Json::array();
  for (const auto& t : store_.threads_of(u->id)) out.push_back(thread_json(store_, t));
  return {200, out};
}

HttpReply CirclesApi::request_thread(std::string_view bearer, std::string_view body) {
  auto u = caller(bearer);
  if (!u) return unauthorized();
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  const Json* to = optional_field(*j, "to_user");
  auto to_id = to ? json_int_id(*to) : std::nullopt;
  if (!to_id || !store_.user(*to_id) || *to_id == u->id) return error_reply(422, "to_user must be another user's id");
  if (!outbox_.connected()) return bus_down();
  CirclesThread t = store_.request_thread(u->id, *to_id, gangway::iso8601_now());
  bool fresh = t.status == "pending" && t.participants.front() == u->id;
  Json notice{{"thread_id", t.id}, {"from_user", u->id}, {"from_user_info", person_json(*u)}};
  if (fresh && !outbox_.to_user(*to_id, "dm_request", notice))
    std::fprintf(stderr, "demo backend: dm_request notice for thread %lld not published\n",
                 static_cast<long long>(t.id));
  return {201, thread_json(store_, t)};
}

HttpReply CirclesApi::accept(std::string_view bearer, std::string_view thread_id) {
  auto u = caller(bearer);
  if (!u) return unauthorized();
  auto id = parse_int_id(thread_id);
  auto t = id ? store_.thread(*id) : std::nullopt;
  if (!t) return error_reply(404, "Thread not found");
  // Only the recipient (second participant) accepts a request.
  if (t->participants.size() < 2 || t->participants[1] != u->id) return error_reply(403, "Only the recipient can accept");
  store_.accept(t->id);
  return {200, thread_json(store_, *store_.thread(t->id))};
}

std::optional<HttpReply> CirclesApi::read_message(const Json& body, CirclesMessage& m) const {
  if (const Json* text = optional_field(body, "text")) {
    if (!text->is_string() || text->get_ref<const std::string&>().size() > kMaxTextBytes)
      return error_reply(422, "text must be a string of at most 4000 bytes");
    m.text = text->get<std::string>();
  }
  if (const Json* reply = optional_field(body, "reply_to_id")) {
    m.reply_to_id = json_int_id(*reply);
    if (!m.reply_to_id || !store_.has_message(m.thread_id, *m.reply_to_id))
      return error_reply(422, "reply_to_id must be a message of this thread");
  }
  if (const Json* media = optional_field(body, "media_url")) {
    if (!media->is_string() || media->get_ref<const std::string&>().empty())
      return error_reply(422, "media_url must be a non-empty string");
    m.media_url = media->get<std::string>();
  }
  if (m.text.empty() && !m.media_url) return error_reply(422, "text or media_url is required");
  return std::nullopt;
}

HttpReply CirclesApi::post_message(std::string_view bearer, std::string_view thread_id, std::string_view body) {
  auto u = caller(bearer);
  if (!u) return unauthorized();
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  return add_message(u->id, thread_id, *j, RoomEvent::publish);
}

HttpReply CirclesApi::add_message(std::int64_t user_id, std::string_view thread_id, const Json& body,
                                  RoomEvent room) {
  auto u = store_.user(user_id);
  if (!u) return error_reply(403, "Unknown user");
  auto thread = writable_thread(*u, thread_id);
  if (auto* denied = std::get_if<HttpReply>(&thread)) return *denied;
  const CirclesThread& t = std::get<CirclesThread>(thread);
  CirclesMessage m{0, t.id, u->id, "", gangway::iso8601_now(), std::nullopt, std::nullopt};
  if (auto invalid = read_message(body, m)) return *invalid;

  std::lock_guard lock(post_mutex_);
  if (room == RoomEvent::publish && !outbox_.connected()) return bus_down();
  auto stored = store_.add_message(m);
  if (!stored) return error_reply(404, "Thread not found");
  Json data = message_json(store_, *stored);
  // The thread's sockets show it as the seed's "message"; undone if that fails.
  if (room == RoomEvent::publish && !outbox_.to_thread(t.id, "message", data)) {
    store_.remove_message(t.id, stored->id);
    return bus_down();
  }
  // The recipient's inbox (user socket) hears of it from us either way;
  // losing that notice loses no message.
  auto [event, notice] = notice_of(*stored);
  if (!outbox_.to_user(other_participant(t, u->id), event, notice))
    std::fprintf(stderr, "demo backend: %s notice for message %lld not published\n", event.c_str(),
                 static_cast<long long>(stored->id));
  return {201, data};
}

HttpReply CirclesApi::mark_read(std::string_view bearer, std::string_view thread_id) {
  auto u = caller(bearer);
  if (!u) return unauthorized();
  return record_read(u->id, thread_id, RoomEvent::publish);
}

HttpReply CirclesApi::record_read(std::int64_t user_id, std::string_view thread_id, RoomEvent room) {
  auto u = store_.user(user_id);
  if (!u) return error_reply(403, "Unknown user");
  auto thread = writable_thread(*u, thread_id);
  if (auto* denied = std::get_if<HttpReply>(&thread)) return *denied;
  const CirclesThread& t = std::get<CirclesThread>(thread);
  if (room == RoomEvent::publish && !outbox_.connected()) return bus_down();
  std::string at = gangway::iso8601_now();
  store_.set_last_read(t.id, u->id, at);
  Json receipt{{"user_id", u->id}, {"last_read_at", at}};
  // Recording it again is harmless: a 503 here only asks the client to retry.
  if (room == RoomEvent::publish && !outbox_.to_thread(t.id, "read_receipt", receipt)) return bus_down();
  return {200, receipt};
}

HttpReply CirclesApi::list_messages(std::string_view bearer, std::string_view thread_id) const {
  auto u = caller(bearer);
  if (!u) return unauthorized();
  auto id = parse_int_id(thread_id);
  auto t = id ? store_.thread(*id) : std::nullopt;
  if (!t) return error_reply(404, "Thread not found");
  if (std::find(t->participants.begin(), t->participants.end(), u->id) == t->participants.end())
    return error_reply(403, "Not a participant of this thread");
  Json out = Json::array();
  for (const auto& m : store_.messages(t->id)) out.push_back(message_json(store_, m));
  return {200, out};
}

HttpReply CirclesApi::react(std::string_view bearer, std::string_view thread_id, std::string_view message_id,
                            std::string_view body) {
  auto u = caller(bearer);
  if (!u) return unauthorized();
  auto thread = writable_thread(*u, thread_id);
  if (auto* denied = std::get_if<HttpReply>(&thread)) return *denied;
  const CirclesThread& t = std::get<CirclesThread>(thread);
  auto mid = parse_int_id(message_id);
  if (!mid || !store_.has_message(t.id, *mid)) return error_reply(404, "Message not found");
  HttpReply error;
  auto j = object_body(body, error);
  if (!j) return error;
  const Json* emoji = optional_field(*j, "emoji");
  if (!emoji || !emoji->is_string() || emoji->get_ref<const std::string&>().empty() ||
      emoji->get_ref<const std::string&>().size() > 64)
    return error_reply(422, "emoji must be a non-empty string of at most 64 bytes");
  if (!outbox_.connected()) return bus_down();
  store_.add_reaction(*mid, u->id, emoji->get<std::string>());
  Json data{{"message_id", *mid}, {"emoji", *emoji}, {"from_user", u->id}, {"thread_id", t.id}};
  if (!outbox_.to_user(other_participant(t, u->id), "reaction", data))
    std::fprintf(stderr, "demo backend: reaction notice for message %lld not published\n",
                 static_cast<long long>(*mid));
  return {201, Json{{"message_id", *mid}, {"emoji", *emoji}, {"user_id", u->id}}};
}

HttpReply CirclesApi::check_in(std::string_view bearer, std::string_view place_id) {
  auto u = caller(bearer);
  if (!u) return unauthorized();
  auto pid = parse_int_id(place_id);
  if (!pid) return error_reply(404, "Place not found");
  std::int64_t now = gangway::unix_now();
  store_.check_in({*pid, u->id, now});
  return {201, Json{{"place_id", *pid}, {"user_id", u->id}, {"checked_in_at", iso8601_at(now)}}};
}

}  // namespace demo
