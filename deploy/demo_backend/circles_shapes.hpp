#pragma once
// Seed 000's JSON shapes, and publishing circles events on NATS. Shared by
// the REST api and the gateway-facing internal endpoints. Thread-safe.
#include <cstdint>
#include <string>

#include "deploy/demo_backend/circles_store.hpp"
#include "deploy/demo_backend/publisher.hpp"
#include "gateway/core/model.hpp"
#include "gateway/core/subject.hpp"

namespace demo {

// {"id": 8, "name": "...", "avatar_url": "..." | null} — participants and sender_info.
gangway::Json person_json(const CirclesUser& u);
// {"id", "thread_id", "sender_id", "text", "created_at", "sender_info"} plus
// reply_to_id / media_url when set — the seed's DM message.
gangway::Json message_json(const CirclesStore& store, const CirclesMessage& m);
// {"id", "status", "participants": [person...], "created_at"}.
gangway::Json thread_json(const CirclesStore& store, const CirclesThread& t);

// An integer id given as a JSON number or a decimal string; nullopt otherwise.
std::optional<std::int64_t> json_int_id(const gangway::Json& id);

// The participant of a two-person thread who is not `user_id`.
std::int64_t other_participant(const CirclesThread& t, std::int64_t user_id);

// Publishes {"event": name, "data": data} on <prefix>.out.circles.<room>.
class CirclesOutbox {
 public:
  CirclesOutbox(Publisher& publisher, gangway::Subjects subjects)
      : publisher_(publisher), subjects_(std::move(subjects)) {}

  bool connected() const { return publisher_.connected(); }
  // True once NATS acknowledged it (see Publisher::publish).
  bool to_user(std::int64_t user_id, std::string event, gangway::Json data) const;
  bool to_thread(std::int64_t thread_id, std::string event, gangway::Json data) const;

 private:
  bool publish(const gangway::RoomKey& room, std::string event, gangway::Json data) const;

  Publisher& publisher_;
  const gangway::Subjects subjects_;
};

}  // namespace demo
