#include "gateway/session/disconnects.hpp"

#include <stdexcept>

#include "gateway/core/json_parse.hpp"
#include "gateway/core/log.hpp"
#include "gateway/session/session.hpp"

namespace gangway {

Disconnects::Disconnects(bus::Bus& bus, const Subjects& subjects, Fanout& fanout,
                         const std::vector<AppRuntime*>& apps)
    : subjects_(subjects), fanout_(fanout) {
  for (const AppRuntime* app : apps) {
    auto subject = subjects_.disconnect(app->config.name, "*", "*");
    auto sub = bus.subscribe(subject, [this, app](bus::Message&& m) { on_message(*app, m); });
    if (!sub) throw std::runtime_error("nats: cannot subscribe to " + subject);
    subscriptions_.push_back(std::move(sub));
  }
}

Disconnects::~Disconnects() = default;

void Disconnects::on_message(const AppRuntime& app, const bus::Message& m) {
  // <prefix>.ctl.<app>.disconnect.<kind>.<id>: the subscription fixed the rest.
  std::string_view subject = m.subject;
  auto dot = subject.rfind('.');
  std::string_view id = subject.substr(dot + 1);
  std::string_view head = subject.substr(0, dot);
  std::string_view kind = head.substr(head.rfind('.') + 1);
  if ((kind != "user" && kind != "conn") || !is_valid_id(id)) {
    log_line("warn", app.config.name, "disconnect ignored: the subject names no user or conn",
             {{"subject", std::string(subject.substr(0, 200))}});
    return;
  }
  std::string reason = reason_of(m.data);
  log_line("info", app.config.name, "disconnect",
           {{std::string(kind), std::string(id)}, {"reason", reason}});
  fanout_.visit(subjects_.outbound(app.config.name, {std::string(kind), std::string(id)}),
                [reason](Connection& c) {
                  // Every member of a room is a socket's Peer.
                  if (auto* peer = dynamic_cast<Peer*>(&c)) peer->engine().end(Ending::disconnected, reason);
                });
}

std::string Disconnects::reason_of(std::string_view body) {
  if (body.empty()) return {};
  Json j = parse_json(body);  // UTF-8 checked; depth bounded
  if (!j.is_object()) return {};
  auto it = j.find("reason");
  if (it == j.end() || !it->is_string()) return {};
  std::string reason = it->get<std::string>();
  for (char& c : reason)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  if (reason.size() > kMaxReasonBytes) {
    std::size_t cut = kMaxReasonBytes;
    while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    reason.resize(cut);
  }
  return reason;
}

std::string Disconnects::body(std::string_view reason) {
  Json j = Json::object();
  if (!reason.empty()) j["reason"] = std::string(reason);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace gangway
