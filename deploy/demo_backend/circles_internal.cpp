#include "deploy/demo_backend/circles_internal.hpp"

#include <algorithm>
#include <cstdio>

#include "gateway/core/clock.hpp"

namespace demo {

using gangway::Json;

namespace {

constexpr std::int64_t kDefaultWindowHours = 12;
constexpr std::size_t kMaxTextBytes = 4000;

// j[outer][inner] if both levels are objects that have the keys, else null
// (json_pointer lookups throw on arrays; a malformed body is a 422, not a 500).
Json field(const Json& j, const char* outer, const char* inner) {
  auto o = j.find(outer);
  if (o == j.end() || !o->is_object()) return nullptr;
  auto i = o->find(inner);
  return i == o->end() ? Json(nullptr) : *i;
}



}  // namespace

std::optional<HttpReply> CirclesInternal::check_access(std::int64_t thread_id, std::int64_t user_id) const {
  auto t = store_.thread(thread_id);
  if (!t) return error_reply(404, "Thread not found");
  if (std::find(t->participants.begin(), t->participants.end(), user_id) == t->participants.end())
    return error_reply(403, "Not a participant of this thread");
  if (t->status != "accepted") return error_reply(403, "Thread is not accepted");
  return std::nullopt;
}

HttpReply CirclesInternal::dm_access(std::string_view thread_id, std::string_view user_id) const {
  auto tid = parse_int_id(thread_id);
  auto uid = parse_int_id(user_id);
  if (!tid || !uid) return error_reply(404, "Thread not found");
  if (auto denied = check_access(*tid, *uid)) return *denied;
  Json t = thread_json(store_, *store_.thread(*tid));
  return {200, Json{{"thread_id", *tid}, {"status", t["status"]}, {"participants", t["participants"]}}};
}

HttpReply CirclesInternal::place_checkin(std::string_view place_id, std::string_view user_id,
                                         std::string_view window_hours) const {
  auto pid = parse_int_id(place_id);
  auto uid = parse_int_id(user_id);
  if (!pid || !uid) return error_reply(404, "Place not found");
  std::int64_t window = kDefaultWindowHours;
  if (!window_hours.empty()) {
    auto w = parse_int_id(window_hours);
    if (!w || *w == 0) return error_reply(400, "window_hours must be a positive integer");
    window = *w;
  }
  auto at = store_.last_check_in(*pid, *uid);
  if (!at || *at < gangway::unix_now() - window * 3600) return error_reply(403, "No recent check-in at this place");
  return {200, Json{{"place_id", *pid}, {"user_id", *uid}, {"checked_in_at", iso8601_at(*at)}, {"window_hours", window}}};
}

std::variant<CirclesInternal::Sender, HttpReply> CirclesInternal::sender_of(std::string_view envelope) const {
  Json j = Json::parse(envelope, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return error_reply(400, "body must be a gw.in envelope (JSON object)");
  if (field(j, "room", "kind") != "dm") return error_reply(422, "room.kind must be \"dm\"");
  auto tid = json_int_id(field(j, "room", "id"));
  auto uid = json_int_id(field(j, "user", "id"));
  if (!tid || !uid) return error_reply(422, "room.id and user.id must be integer ids");
  if (auto denied = check_access(*tid, *uid)) return *denied;
  auto user = store_.user(*uid);
  if (!user) return error_reply(403, "Unknown user");
  auto data = j.find("data");
  return Sender{*store_.thread(*tid), *user, data != j.end() && data->is_object() ? *data : Json::object()};
}

HttpReply CirclesInternal::store_message(std::string_view envelope) {
  auto sender = sender_of(envelope);
  if (auto* error = std::get_if<HttpReply>(&sender)) return *error;
  auto& s = std::get<Sender>(sender);
  auto text = s.data.find("text");
  if (text == s.data.end() || !text->is_string() || text->get_ref<const std::string&>().empty())
    return error_reply(422, "data.text must be a non-empty string");
  if (text->get_ref<const std::string&>().size() > kMaxTextBytes) return error_reply(422, "data.text is too long");

  auto stored = store_.add_message({0, s.thread.id, s.user.id, text->get<std::string>(), gangway::iso8601_now(),
                                    std::nullopt, std::nullopt});
  if (!stored) return error_reply(404, "Thread not found");
  // The gateway fans the message out to the thread; the recipient's inbox
  // (user socket) hears about it from us. Losing that notice loses no message.
  Json notice{{"thread_id", stored->thread_id}, {"message_id", stored->id}, {"from_user", stored->sender_id},
              {"text", stored->text}, {"created_at", stored->created_at}};
  if (!outbox_.to_user(other_participant(s.thread, s.user.id), "dm_message", notice))
    std::fprintf(stderr, "demo backend: dm_message notice for message %lld not published\n",
                 static_cast<long long>(stored->id));
  return {201, message_json(store_, *stored)};
}

HttpReply CirclesInternal::store_read(std::string_view envelope) {
  auto sender = sender_of(envelope);
  if (auto* error = std::get_if<HttpReply>(&sender)) return *error;
  auto& s = std::get<Sender>(sender);
  std::string at = gangway::iso8601_now();
  store_.set_last_read(s.thread.id, s.user.id, at);
  return {200, Json{{"user_id", s.user.id}, {"last_read_at", at}}};
}

}  // namespace demo
