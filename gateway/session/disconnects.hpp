#pragma once
// Disconnects over NATS, acted on by every gateway at once:
//   <prefix>.ctl.<app>.disconnect.user.<id>   every socket of user <id>
//   <prefix>.ctl.<app>.disconnect.conn.<id>   the socket <id> (a gw.in message's `conn`)
// with an optional body {"reason": "…"}. Each gateway subscribes and closes
// the matching sockets it holds with the dialect's close
// (Adapter::close_for(Ending::disconnected)): a backend's logout and the
// admin API (gateway/app/admin_api.hpp) publish here (docs/nats.md, "Control").
//
// The sockets are found through the fan-out's user and conn rooms, which
// every open socket is in: a disconnect costs the sockets it closes, not a
// walk over all of them. A socket still upgrading (its rooms not yet
// joined) is not reached; its user's next disconnect is.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/bus/bus.hpp"
#include "gateway/core/subject.hpp"
#include "gateway/fanout/fanout.hpp"
#include "gateway/session/runtime.hpp"

namespace gangway {

class Disconnects {
 public:
  // Subscribes <prefix>.ctl.<app>.disconnect.*.* for each app, on `bus`: the
  // connection that echoes, so that a disconnect this gateway publishes (the
  // admin API) reaches its own sockets too. `fanout` and `apps` outlive this.
  Disconnects(bus::Bus& bus, const Subjects& subjects, Fanout& fanout, const std::vector<AppRuntime*>& apps);
  ~Disconnects();  // unsubscribes
  Disconnects(const Disconnects&) = delete;
  Disconnects& operator=(const Disconnects&) = delete;

  // Reasons longer than this are cut (at a character boundary): a close
  // frame's reason has room for 123 bytes.
  static constexpr std::size_t kMaxReasonBytes = 100;
  // The reason a control message's body gives: its "reason" string, control
  // characters made spaces, cut to kMaxReasonBytes; empty for no body, a body
  // that is not a JSON object, or no string "reason".
  static std::string reason_of(std::string_view body);
  // A control message's body: {"reason": reason}, or {} for none.
  static std::string body(std::string_view reason);

 private:
  // On the bus's delivery thread.
  void on_message(const AppRuntime& app, const bus::Message& m);

  Subjects subjects_;
  Fanout& fanout_;
  std::vector<std::unique_ptr<bus::Subscription>> subscriptions_;
};

}  // namespace gangway
