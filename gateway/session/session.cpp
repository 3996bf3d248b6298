// A session's life: open (rooms, greeting), frames in, close.
#include "gateway/session/session.hpp"

#include <memory>
#include <utility>

#include "gateway/core/ids.hpp"
#include "gateway/core/json_parse.hpp"
#include "gateway/session/envelope.hpp"

namespace gangway {
namespace {

// Callout failures: a struggling backend fails every socket's calls at once.
LogLimiter callout_failures;

std::string_view why_text(backend::CalloutResult::Why why) {
  using Why = backend::CalloutResult::Why;
  switch (why) {
    case Why::answered: return "answered";
    case Why::invalid: return "invalid";
    case Why::missing_value: return "missing_value";
    case Why::bad_value: return "bad_value";
    case Why::unreachable: return "unreachable";
    case Why::timeout: return "timeout";
    case Why::queue_full: return "queue_full";
    case Why::breaker_open: return "breaker_open";
    case Why::cancelled: return "cancelled";
    case Why::shutdown: return "shutdown";
  }
  return "unknown";
}

void log_unavailable(const LogContext& who, const std::string& callout, const backend::CalloutResult& r) {
  Json fields = {{"callout", callout}, {"why", why_text(r.why)}};
  if (r.status) fields["status"] = r.status;
  log_limited(callout_failures, LogLevel::warn, "callout failed", who, std::move(fields));
}

}  // namespace

Session::Session(AppRuntime& app, Services& services, Peer& peer, std::size_t loop)
    : app_(app), services_(services), peer_(peer), loop_(static_cast<std::uint32_t>(loop)) {
  info_.app = app.config.name;
  info_.conn_id = new_short_id('c');
}

void Session::open() {
  if (peer_.closing()) return;
  open_ = true;
  opened_at_ = std::chrono::steady_clock::now();
  services_.sessions[loop_].insert(this);
  if (info_.user.expires_at > 0) services_.expiries[loop_].push(*this, info_.user.expires_at);
  app_.metrics->connections.fetch_add(1, std::memory_order_relaxed);
  auto plan = std::make_shared<Opened>(app_.adapter->on_open(info_));
  // The greeting waits until the server has every room's subscription: a
  // client that saw it may rely on events published from then on.
  std::vector<RoomKey> rooms = RoomSet::standing(info_);
  rooms.insert(rooms.end(), plan->rooms.begin(), plan->rooms.end());
  auto pending = std::make_shared<std::size_t>(rooms.size());
  for (const auto& room : rooms) {
    join(room, [this, plan, pending] {
      if (--*pending == 0) greet(std::move(*plan));
    });
  }
}

void Session::greet(Opened&& plan) {
  peer_.greet([&] {
    for (auto& f : plan.frames) peer_.send_text(std::move(f));
    publish_lifecycle("connect");
    for (auto& action : plan.actions) execute(std::move(action));
  });
}

void Session::on_text(std::string_view frame) {
  if (peer_.closing()) return;  // what a closing socket still sends is neither stored nor answered
  auto action = app_.adapter->decode(frame, info_);
  if (!action) return send_error(action.error());
  // Parsed again only for a store whose template reads the frame as sent.
  if (action->persist && app_.stores_read_frame) action->frame = parse_json(frame);
  execute(std::move(*action));
}

void Session::on_binary() {
  if (peer_.closing()) return;
  send_error({ErrorCode::binary_frame, "binary frames are not accepted; send JSON text", "", ""});
}

void Session::closed(std::string_view reason) {
  callouts_cancelled_.store(true, std::memory_order_relaxed);
  queued_.clear();
  if (!open_) return;
  open_ = false;
  auto rooms = rooms_.list(info_);
  for (const auto& room : rooms) leave(room);
  for (auto& action : app_.adapter->on_close(info_, rooms)) publish(std::move(action));
  services_.sessions[loop_].erase(this);
  services_.expiries[loop_].erase(*this);
  app_.metrics->connections.fetch_sub(1, std::memory_order_relaxed);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - opened_at_);
  static constexpr std::string_view ended[] = {"", "token_expired", "disconnected", "shutdown"};
  if (ended_ != Ended::none) reason = ended[static_cast<int>(ended_)];
  publish_lifecycle("disconnect", ",\"reason\":" + Json(std::string(reason)).dump() +
                                    ",\"duration_ms\":" + std::to_string(ms.count()));
}

bool Session::tracked(const RoomKey& room) const {
  return room.kind == "user" || app_.adapter->tracks_presence(room);
}

void Session::join(const RoomKey& room, std::function<void()> ready) {
  if (rooms_.insert(room, info_) && tracked(room))
    services_.presence->enter(info_.app, room, info_.user.id, info_.conn_id);
  // The fan-out calls `ready` on this loop (inline if the room is already
  // subscribed), maybe after the socket closed or left the room again.
  // Held: before the first read is pending nothing else keeps the socket alive.
  auto guarded = [this, loop = Loopback(peer_, true), room, ready = std::move(ready)] {
    loop.run([&] {
      if (rooms_.contains(room, info_)) ready();
    });
  };
  services_.fanout->join(loop_, services_.subjects.outbound(info_.app, room), room, *app_.adapter, *app_.metrics,
                         &peer_, std::move(guarded));
}

void Session::leave(const RoomKey& room) {
  if (!rooms_.erase(room, info_)) return;
  if (tracked(room)) services_.presence->leave(info_.app, room, info_.user.id, info_.conn_id);
  services_.fanout->leave(loop_, services_.subjects.outbound(info_.app, room), &peer_);
}

const backend::CalloutSpec* Session::callout_request(const CalloutCall& c, const StoreValues* store,
                                                     backend::CalloutRequest& req) const {
  auto spec = app_.config.callouts.find(c.name);
  if (spec == app_.config.callouts.end() || !app_.callouts) return nullptr;
  req.params = info_.params;
  for (const auto& [k, v] : c.params) req.params[k] = v;
  if (!info_.user.id.empty()) req.params["user_id"] = info_.user.id;
  if (credentials_) {
    req.bearer = credentials_->token;
    req.cookie = credentials_->cookie;
  }
  req.values.route = &info_.params;
  req.values.user = &info_.user;
  req.values.claims = &info_.claims;
  if (store) {
    req.values.frame = store->frame;
    req.values.data = store->data;
    req.values.envelope = store->envelope;
    // Without a body template a store sends the gw.in envelope (the legacy
    // form; a string body's "{data}"); "body": null sends nothing.
    if (spec->second.body_template.is_null() && !spec->second.no_body && store->envelope) req.body = *store->envelope;
  }
  return &spec->second;
}

void Session::call(const CalloutCall& c, std::function<void(backend::CalloutResult)> done) {
  // The socket's next actions wait for the answer (session_order.cpp).
  waiting_ = true;
  backend::CalloutRequest req;
  const auto* spec = callout_request(c, nullptr, req);
  // --check-config refuses a missing callout; fail closed if it happens anyway.
  if (!spec) {
    WaitOver over(*this);
    return done(backend::CalloutResult{backend::CalloutResult::Outcome::unavailable, 0, nullptr});
  }
  auto answered = [session = this, loop = Loopback(peer_, true), metrics = services_.metrics, app = info_.app, name = c.name,
                   conn = info_.conn_id, user = info_.user.id, asked = std::chrono::steady_clock::now(),
                   done = std::move(done)](backend::CalloutResult r) mutable {
    if (r.why == backend::CalloutResult::Why::cancelled) return;  // its socket is gone: nobody to answer
    metrics->callout(app, name, to_string(r.outcome), std::chrono::steady_clock::now() - asked);
    if (r.outcome == backend::CalloutResult::Outcome::unavailable) log_unavailable({app, conn, user}, name, r);
    loop.post([session, done = std::move(done), r = std::move(r)]() mutable {
      WaitOver over(*session);
      done(std::move(r));
    });
  };
  app_.callouts->call(*spec, std::move(req), std::move(answered), cancel_token());
}

backend::CancelToken Session::cancel_token() {
  return backend::CancelToken(std::shared_ptr<std::atomic<bool>>(peer_.shared(), &callouts_cancelled_));
}

}  // namespace gangway
