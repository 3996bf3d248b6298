// The sender of a stored message: seed 000's sender_info and seed 004's
// sender are fields the gateway fills itself when no REST answer brings them
// (a JetStream store, a worker or endpoint that answers without them), from
// the app's "sender" config: the user's claims, or a profile callout whose
// answers the callout cache keeps.
#include <memory>

#include "gateway/session/sender.hpp"
#include "gateway/session/session.hpp"

namespace gangway {

void Session::store_with_sender(Action&& action) {
  const SenderProfile& config = app_.config.sender;
  bool shows_sender = action.fanout && app_.adapter->sender_field(action.fanout->name, Json::object());
  if (config.callout.empty() || !shows_sender) return store_then_fan_out(std::move(action), sender_profile(nullptr));
  auto a = std::make_shared<Action>(std::move(action));
  // A profile that cannot be had does not hold the message back: the claims' fields stand.
  call({config.callout, {}}, [this, a](backend::CalloutResult r) {
    store_then_fan_out(std::move(*a), sender_profile(r.allowed() ? &r.body : nullptr));
  });
}

Json Session::sender_profile(const Json* answer) const {
  const Principal& user = info_.user;
  Json profile{{"id", user.id}, {"name", user.name}, {"username", user.username}, {"avatar_url", nullptr}};
  for (const auto& [field, claim] : app_.config.sender.claims) {
    if (const std::string* text = find_claim(info_.claims, claim)) {
      Json value = Json::parse(*text, nullptr, false);
      if (!value.is_discarded()) profile[field] = std::move(value);
    }
  }
  if (!answer) return profile;
  for (const auto& [field, pointer] : app_.config.sender.pointers) {
    try {
      Json::json_pointer ptr(pointer);
      if (answer->contains(ptr)) profile[field] = answer->at(ptr);
    } catch (const Json::exception&) {
      // an index into a non-array: the answer does not have it
    }
  }
  return profile;
}

void fill_sender(const Adapter& adapter, Event& event, const Json& profile, bool overwrite) {
  auto field = adapter.sender_field(event.name, profile);
  if (!field || !event.data.is_object()) return;
  try {
    Json& slot = event.data[Json::json_pointer(field->pointer)];
    if (slot.is_null() || overwrite) {
      slot = std::move(field->value);
    } else if (slot.is_object() && field->value.is_object()) {
      // What the store said about its sender stands; only what it left out is added.
      for (auto& [key, value] : field->value.items())
        if (!slot.contains(key)) slot[key] = value;
    }
  } catch (const Json::exception&) {
    // the event's data has something else on the way: leave it as the store said
  }
}

}  // namespace gangway
