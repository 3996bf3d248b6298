#include "adapters/social/social_frames.hpp"

#include "adapters/common/numeric_id.hpp"
#include "adapters/common/render.hpp"
#include "gateway/core/clock.hpp"

namespace gangway::adapters {

namespace {

const Json* field(const Json& data, std::string_view key) {
  auto it = data.find(key);
  return it == data.end() ? nullptr : &*it;
}

std::optional<std::string> text(const Json& data, std::string_view key) {
  const Json* v = field(data, key);
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

// The seed's timestamps are Unix seconds; an event that carries none (or
// another shape) gets the time it is rendered.
Json timestamp(const Json& data) {
  const Json* v = field(data, "timestamp");
  if (v && v->is_number_integer()) return *v;
  return Json(unix_now());
}

// The id in data[key] as a string, else the room's id when the room is of `kind`.
std::string id_from(const Json& data, std::string_view key, const RoomKey& room, std::string_view kind) {
  const Json* v = field(data, key);
  std::string id = v ? id_string(*v) : "";
  if (id.empty() && room.kind == kind) id = room.id;
  return id;
}

std::optional<std::string> render_private(const Json& data, const RoomKey& room) {
  auto content = text(data, "content");
  std::string to = id_from(data, "to", room, "user");
  if (!content || to.empty()) return std::nullopt;
  OrderedJson out;
  out["type"] = "private";
  out["to"] = id_json(to);
  out["content"] = std::move(*content);
  out["timestamp"] = timestamp(data);
  return render(out);
}

std::optional<std::string> render_group(const Json& data, const RoomKey& room) {
  auto content = text(data, "content");
  std::string group_id = id_from(data, "group_id", room, "group");
  if (!content || group_id.empty()) return std::nullopt;
  OrderedJson out;
  out["type"] = "group";
  out["group_id"] = std::move(group_id);  // a string in the seed, even when numeric
  out["content"] = std::move(*content);
  out["timestamp"] = timestamp(data);
  return render(out);
}

std::optional<std::string> render_broadcast(const Json& data) {
  auto content = text(data, "content");
  if (!content) return std::nullopt;
  OrderedJson out;
  out["type"] = "broadcast";
  out["content"] = std::move(*content);
  out["timestamp"] = timestamp(data);
  return render(out);
}

// Subtypes beyond the seed's "common" list pass through: the backend owns them.
// Their own fields (group_id, post_id, …) sit between message and timestamp,
// where the seed's group_invite puts group_id, with the values the backend chose.
std::optional<std::string> render_notification(const Json& data) {
  auto subtype = text(data, "subtype");
  auto message = text(data, "message");
  if (!subtype || subtype->empty() || !message) return std::nullopt;
  OrderedJson out;
  out["type"] = "notification";
  out["subtype"] = std::move(*subtype);
  out["message"] = std::move(*message);
  for (const auto& [key, value] : data.items()) {
    if (key != "type" && key != "subtype" && key != "message" && key != "timestamp")
      out[key] = OrderedJson(value);
  }
  out["timestamp"] = timestamp(data);
  return render(out);
}

}  // namespace

std::optional<std::string> render_social_event(const Event& e, const RoomKey& room) {
  if (e.frame) return render(*e.frame);
  if (!e.data.is_object()) return std::nullopt;
  if (e.name == "private") return render_private(e.data, room);
  if (e.name == "group") return render_group(e.data, room);
  if (e.name == "broadcast") return render_broadcast(e.data);
  if (e.name == "notification") return render_notification(e.data);
  return std::nullopt;
}

}  // namespace gangway::adapters
