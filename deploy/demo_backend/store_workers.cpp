#include "deploy/demo_backend/store_workers.hpp"

#include <optional>

#include "deploy/demo_backend/circles_api.hpp"
#include "deploy/demo_backend/lookup.hpp"
#include "deploy/demo_backend/social_api.hpp"
#include "deploy/demo_backend/social_ids.hpp"
#include "deploy/demo_backend/winkr_api.hpp"

namespace demo {

using gangway::Json;

namespace {

// What a store needs from an envelope.
struct Stored {
  std::string id;       // the envelope's: a retried store is the same store
  std::string user_id;  // the authenticated sender
  gangway::RoomKey room;
  Json data;  // the frame's normalised data
};


const Json& object_at(const Json& j, const char* key) {
  static const Json empty = Json::object();
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : empty;
}

// The envelope, if it is one whose room is of `room_kind`; else nullopt.
std::optional<Stored> parse(std::string_view body, std::string_view room_kind) {
  Json j = Json::parse(body, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  Stored s{string_at(j, "id"), string_at(object_at(j, "user"), "id"),
           {string_at(object_at(j, "room"), "kind"), string_at(object_at(j, "room"), "id")}, object_at(j, "data")};
  if (s.id.empty() || !gangway::is_valid_id(s.user_id) || s.room.kind != room_kind || !gangway::is_valid_id(s.room.id))
    return std::nullopt;
  return s;
}

HttpReply not_an_envelope(std::string_view room_kind) {
  return error_reply(400, "body must be a gateway envelope for a " + std::string(room_kind) + " room");
}

// winkr: the frame's conversation is the room's.
template <class Store>
NatsPublisher::Handler winkr_worker(Store store) {
  return [store](std::string_view body) {
    auto s = parse(body, "conversation");
    if (!s || string_at(s->data, "conversation_id") != s->room.id) return not_an_envelope("conversation");
    return store(*s);
  };
}

}  // namespace

void serve_store_workers(NatsPublisher& nats, const std::string& prefix, WinkrApi& winkr, CirclesApi& circles,
                         SocialApi& social) {
  auto subject = [&prefix](const char* app, const char* kind) { return prefix + ".store." + app + "." + kind; };
  constexpr const char* kQueue = "demo-store";
  constexpr auto leave = RoomEvent::leave_to_gateway;

  nats.serve(subject("winkr", "message"), kQueue, winkr_worker([&winkr](const Stored& s) {
               return winkr.add_message(s.user_id, s.room.id, s.data, leave);
             }));
  nats.serve(subject("winkr", "read"), kQueue, winkr_worker([&winkr](const Stored& s) {
               return winkr.mark_read(s.user_id, s.room.id, string_at(s.data, "message_id"), leave);
             }));
  nats.serve(subject("winkr", "delete"), kQueue, winkr_worker([&winkr](const Stored& s) {
               return winkr.remove_message(s.user_id, s.room.id, string_at(s.data, "message_id"), leave);
             }));

  auto circles_worker = [&circles](bool read) {
    return [&circles, read](std::string_view body) {
      auto s = parse(body, "dm");
      auto user = s ? parse_int_id(s->user_id) : std::nullopt;
      if (!user) return not_an_envelope("dm");
      return read ? circles.record_read(*user, s->room.id, leave) : circles.add_message(*user, s->room.id, s->data, leave);
    };
  };
  nats.serve(subject("circles", "message"), kQueue, circles_worker(false));
  nats.serve(subject("circles", "read"), kQueue, circles_worker(true));

  auto social_worker = [&social](const char* kind) {
    return [&social, kind](std::string_view body) {
      auto s = parse(body, std::string_view(kind) == "private" ? "user" : "group");
      auto from = s ? parse_social_id(s->user_id) : std::nullopt;
      if (!from) return not_an_envelope(std::string_view(kind) == "private" ? "user" : "group");
      return social.add_message(*from, kind, s->data, s->id, leave);
    };
  };
  nats.serve(subject("social", "private"), kQueue, social_worker("private"));
  nats.serve(subject("social", "group"), kQueue, social_worker("group"));
}

}  // namespace demo
