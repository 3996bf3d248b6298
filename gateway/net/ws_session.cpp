#include "gateway/net/ws_session.hpp"

#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <span>

#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/net/loop_pool.hpp"

namespace gangway::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {
// A drained write queue keeps this many slots, so a socket that gets an event
// now and then does not allocate for each.
constexpr std::size_t kKeptQueueSlots = 8;
}  // namespace

WsSession::WsSession(BatchingStream::Socket&& socket, std::size_t loop, AppRuntime& app, Services& services)
    : ws_(std::move(socket)), loop_(loop), app_(app), services_(services) {
  info_.app = app.config.name;
  info_.conn_id = new_short_id('c');
}

WsSession::~WsSession() { shutdown("gone"); }

void WsSession::start() {
  upgrade_ = std::make_unique<Upgrade>();
  upgrade_->parser.header_limit(16 * 1024);
  arm_deadline();
  http::async_read(ws_.next_layer(), buffer_, upgrade_->parser,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
}

// The whole upgrade (request, authentication, callouts, a refusal's answer)
// and the whole close each have handshake_timeout_s; in between, Beast's
// websocket timeouts (idle, pings) watch the socket and no timer is held.
void WsSession::arm_deadline() {
  deadline_ = std::make_unique<boost::asio::steady_timer>(ws_.get_executor(),
                                                         std::chrono::seconds(app_.limits.handshake_timeout_s));
  deadline_->async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;  // cancelled: accepted, or the session is gone
    if (auto self = weak.lock()) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).close(ignored);
    }
  });
}

void WsSession::on_request(beast::error_code ec) {
  if (ec) return;  // the client went away or timed out before finishing its request
  upgrade_->request = upgrade_->parser.release();
  const auto& request = upgrade_->request;
  auto raw_target = request.target();
  Target target = parse_target(std::string_view(raw_target.data(), raw_target.size()));
  std::optional<Params> params;
  for (const auto& route : app_.routes)
    if ((params = route.match(target.path))) break;
  if (!params) return refuse(404, "not_found");
  if (!websocket::is_upgrade(request)) return refuse(426, "upgrade_required");
  upgrade_->query = std::move(target.query);
  if (!app_.config.allowed_origins.empty()) {
    auto raw_origin = request[http::field::origin];
    std::string origin(raw_origin.data(), raw_origin.size());
    const auto& allowed = app_.config.allowed_origins;
    bool ok = origin.empty() || std::find(allowed.begin(), allowed.end(), "*") != allowed.end() ||
              std::find(allowed.begin(), allowed.end(), origin) != allowed.end();
    if (!ok) return refuse(403, "origin_refused");
  }
  info_.params = std::move(*params);
  info_.options = &app_.config.options;
  auto raw_cookie = request[http::field::cookie];
  cookie_.assign(raw_cookie.data(), raw_cookie.size());
  authenticate([this](bool ok) {
    if (!ok) return refuse_unauthorized();
    if (!within_connection_limits()) {
      services_.metrics->error(info_.app, "too_many_connections");
      app_.metrics->upgrades_refused.fetch_add(1, std::memory_order_relaxed);
      auto failure = app_.adapter->auth_failure();
      if (failure.close_code == 0) return refuse(429, "");
      return accept_then([this] { close(1008, "Too many connections"); });
    }
    open_checked();
  });
}

void WsSession::refuse_unauthorized() {
  auto failure = app_.adapter->auth_failure();
  services_.metrics->error(info_.app, "unauthorized");
  app_.metrics->upgrades_refused.fetch_add(1, std::memory_order_relaxed);
  if (failure.close_code == 0) return refuse(failure.http_status, "");
  accept_then([this, code = failure.close_code] { close(code, "Unauthorized"); });
}

bool WsSession::within_connection_limits() {
  const auto& l = app_.limits;
  if (l.max_connections_per_user > 0 &&
      services_.presence->count(info_.app, {"user", info_.user.id}, info_.user.id) >=
          static_cast<std::size_t>(l.max_connections_per_user))
    return false;
  if (l.connections_per_minute > 0 &&
      !services_.rates->allow(info_.app, info_.user.id, "connect", {{l.connections_per_minute, 60}}))
    return false;
  return true;
}

void WsSession::open_checked() {
  auto plan = app_.adapter->plan_open(info_);
  if (plan.refuse_close_code) {
    services_.metrics->error(info_.app, "refused");
    app_.metrics->upgrades_refused.fetch_add(1, std::memory_order_relaxed);
    return accept_then([this, code = plan.refuse_close_code] { close(code, "Refused"); });
  }
  auto checks = std::make_shared<std::vector<CalloutCall>>(std::move(plan.checks));
  int close_code = plan.forbidden_close_code;
  auto on_checked = [this, close_code](backend::CalloutResult::Outcome outcome) {
    using Outcome = backend::CalloutResult::Outcome;
    if (outcome == Outcome::allowed) return close_code ? opened() : accept_then([this] { opened(); });
    services_.metrics->error(info_.app, outcome == Outcome::denied ? "forbidden" : "unavailable");
    app_.metrics->upgrades_refused.fetch_add(1, std::memory_order_relaxed);
    if (close_code == 0) return refuse(outcome == Outcome::denied ? 403 : 503, "");
    // Fail closed: an unreachable backend is not permission, but it is not "forbidden" either.
    close(outcome == Outcome::denied ? close_code : 1011,
          outcome == Outcome::denied ? "Forbidden" : "Authorization unavailable");
  };
  if (close_code) return accept_then([this, checks, on_checked] { run_checks(checks, 0, on_checked); });
  run_checks(checks, 0, on_checked);
}

void WsSession::authenticate(std::function<void(bool)> done) {
  if (app_.config.session) return authenticate_cookie(std::move(done));
  if (!app_.jwt) return done(false);
  std::vector<std::string> sources = app_.config.token_sources;
  if (sources.empty())
    sources = {app_.adapter->credential() == Credential::bearer ? "bearer" : "query:token"};
  const auto& query = upgrade_->query;
  for (const auto& source : sources) {
    if (source == "bearer") {
      auto h = upgrade_->request[http::field::authorization];
      if (h.size() > 7 && beast::iequals(h.substr(0, 7), "Bearer ")) token_.assign(h.data() + 7, h.size() - 7);
    } else if (source.rfind("query:", 0) == 0) {
      if (auto it = query.find(source.substr(6)); it != query.end()) token_ = it->second;
    }
    if (!token_.empty()) break;
  }
  if (token_.empty()) return done(false);
  auto principal = app_.jwt->verify(token_, unix_now());
  if (!principal) return done(false);
  info_.user = std::move(*principal);
  settle_claims();
  done(is_valid_id(info_.user.id));  // the user id becomes a subject token
}

void WsSession::authenticate_cookie(std::function<void(bool)> done) {
  const auto& session = *app_.config.session;
  if (cookie_value(cookie_, session.cookie).empty()) return done(false);
  call({session.callout, {}}, [this, done = std::move(done)](backend::CalloutResult r) {
    if (!r.allowed() || !r.body.is_object()) return done(false);
    const auto& s = *app_.config.session;
    auto text_at = [&](const std::string& pointer) -> std::string {
      auto v = r.body.value(Json::json_pointer(pointer), Json());
      if (v.is_string()) return v.get<std::string>();
      if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
      return "";
    };
    info_.user.id = text_at(s.user_pointer);
    info_.user.name = text_at(s.name_pointer);
    info_.user.claims = std::move(r.body);
    settle_claims();
    done(is_valid_id(info_.user.id));
  });
}

void WsSession::settle_claims() {
  if (!app_.config.admin_pointer.empty()) {
    auto v = info_.user.claims.value(Json::json_pointer(app_.config.admin_pointer), Json());
    info_.user.admin = v.is_boolean() && v.get<bool>();
  }
  // The adapters read only `username` after this (model.hpp); the whole token
  // payload would otherwise stay with every socket for its life.
  Json kept;
  if (info_.user.claims.is_object()) {
    if (auto it = info_.user.claims.find("username"); it != info_.user.claims.end()) kept["username"] = std::move(*it);
  }
  info_.user.claims = std::move(kept);
  // Likewise the client's credentials: only callouts that forward them read
  // them later, and a JWT is a few hundred bytes kept for the socket's life.
  if (!app_.forwards_bearer) std::string().swap(token_);
  if (!app_.forwards_cookie) std::string().swap(cookie_);
}

void WsSession::refuse(unsigned status, std::string_view code) {
  // Says only what the status says: no reason a token failed, no internals.
  auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
  res->set(http::field::content_type, "text/plain");
  res->set(http::field::connection, "close");
  res->body() = std::string(http::obsolete_reason(static_cast<http::status>(status))) + "\n";
  res->prepare_payload();
  if (!code.empty()) services_.metrics->error(info_.app, code);
  http::async_write(ws_.next_layer(), *res, [self = shared_from_this(), res](beast::error_code, std::size_t) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  });
}

void WsSession::accept_then(std::function<void()> next) {
  deadline_.reset();  // cancels it
  const auto& limits = app_.limits;
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = std::chrono::seconds(limits.handshake_timeout_s);
  timeouts.idle_timeout = std::chrono::seconds(limits.idle_timeout_s);
  timeouts.keep_alive_pings = true;  // a ping at half the idle timeout; no pong by the end closes
  ws_.set_option(timeouts);
  ws_.read_message_max(limits.max_frame_bytes);  // for a compressed message: its inflated size
  // Once the client's close frame is in, the teardown closes at once (batching_stream.hpp).
  ws_.control_callback([stream = &ws_.next_layer()](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::close) stream->mark_peer_sent_close();
  });
  const auto& compression = app_.config.permessage_deflate;
  if (compression.enabled) {
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;
    // Every message compressed alone, so one compression serves every socket.
    pmd.server_no_context_takeover = true;
    // Beast keeps the window of a client's compressed messages for the
    // socket's life: 512 bytes where the client lets the server choose
    // (browsers do), else the 32 KiB a client that does not must get.
    auto offer = upgrade_->request[http::field::sec_websocket_extensions];
    pmd.client_max_window_bits = offers_client_window(offer) ? 9 : 15;
    ws_.set_option(pmd);
  }
  // Runs inside async_accept, on the answer Beast built: what it says is what the client gets.
  ws_.set_option(websocket::stream_base::decorator([this](websocket::response_type& res) {
    res.set(http::field::server, "gangway");
    if (app_.config.permessage_deflate.enabled && res.result() == http::status::switching_protocols)
      compress_if_agreed(res[http::field::sec_websocket_extensions]);
  }));
  // The 101 goes out with the greeting when next() writes it right away.
  ws_.next_layer().hold_next_write();
  ws_.async_accept(upgrade_->request, [self = shared_from_this(), next = std::move(next)](beast::error_code ec) {
    self->upgrade_.reset();
    if (!ec) {
      self->app_.metrics->connections_total.fetch_add(1, std::memory_order_relaxed);
      next();
    }
    // Whatever next() did not send with it (no greeting yet, or Beast's own
    // answer to a bad upgrade) goes now.
    self->ws_.next_layer().send_held([self](beast::error_code) {});
  });
}

bool WsSession::offers_client_window(beast::string_view extensions) {
  http::ext_list offers(extensions);
  auto pmd = offers.find("permessage-deflate");  // Beast answers the first offer
  if (pmd == offers.end()) return false;
  for (const auto& param : pmd->second)
    if (beast::iequals(param.first, "client_max_window_bits")) return true;
  return false;
}

void WsSession::compress_if_agreed(beast::string_view extensions) {
  http::ext_list agreed(extensions);
  auto pmd = agreed.find("permessage-deflate");
  if (pmd == agreed.end()) return;
  bool alone = false;
  bool full_window = true;
  for (const auto& param : pmd->second) {
    if (beast::iequals(param.first, "server_no_context_takeover")) alone = true;
    if (beast::iequals(param.first, "server_max_window_bits")) full_window = param.second == "15";
  }
  // The shared bytes are compressed with a 32 KiB window; a client that asked
  // for a smaller one gets every frame uncompressed, which RFC 7692 always allows.
  if (!alone || !full_window) return;
  const auto& c = app_.config.permessage_deflate;
  ws_.next_layer().compress_from(c.min_bytes, c.level);
}

void WsSession::run_checks(std::shared_ptr<std::vector<CalloutCall>> checks, std::size_t i,
                           std::function<void(backend::CalloutResult::Outcome)> done) {
  if (i == checks->size()) return done(backend::CalloutResult::Outcome::allowed);
  call((*checks)[i], [this, checks, i, done](backend::CalloutResult r) {
    if (!r.allowed()) return done(r.outcome);
    info_.context[(*checks)[i].name] = std::move(r.body);
    run_checks(checks, i + 1, done);
  });
}

void WsSession::opened() {
  if (closing_) return;
  open_ = true;
  opened_at_ = std::chrono::steady_clock::now();
  services_.sessions[loop_].insert(this);
  app_.metrics->connections.fetch_add(1, std::memory_order_relaxed);
  auto plan = std::make_shared<Opened>(app_.adapter->on_open(info_));
  // The welcome frames wait until the server has every room's subscription:
  // a client that saw them may rely on events published from then on.
  std::vector<RoomKey> rooms = standing_rooms(0b111);
  rooms.insert(rooms.end(), plan->rooms.begin(), plan->rooms.end());
  auto pending = std::make_shared<std::size_t>(rooms.size());
  for (const auto& room : rooms) {
    // Holds the session: no read is pending yet to keep it alive.
    join(room, [self = shared_from_this(), plan, pending] {
      if (--*pending == 0) self->welcome(std::move(*plan));
    });
  }
}

void WsSession::welcome(Opened&& plan) {
  // Events that arrived while the rooms were joining wait behind the greeting
  // and the open actions' immediate answers (circles' thread_info).
  std::vector<Frame> early;
  early.swap(queue_);
  queued_bytes_ = 0;
  welcomed_ = true;
  for (auto& f : plan.frames) send_text(std::move(f));
  publish_lifecycle("connect");
  for (auto& action : plan.actions) execute(std::move(action));
  for (auto& f : early) send(f);
  do_read();
}

void WsSession::do_read() {
  // An idle socket keeps no read buffer (read_buffer.hpp); the upgrade's goes here.
  if (buffer_.size() == 0) buffer_.shrink_to_fit();
  buffer_.small_steps();
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    // message_too_big: Beast has already closed with 1009 ("message too big"), as RFC 6455 asks.
    if (ec == websocket::error::message_too_big) services_.metrics->error(info_.app, "too_large");
    return shutdown(ec == websocket::error::closed ? "client_closed" : ec.message());
  }
  app_.metrics->frames_in.fetch_add(1, std::memory_order_relaxed);
  if (!ws_.got_text()) {
    buffer_.release();
    send_error({ErrorCode::binary_frame, "binary frames are not accepted; send JSON text", "", ""});
    return do_read();
  }
  std::string_view frame(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  auto action = app_.adapter->decode(frame, info_);
  buffer_.release();
  if (!action) send_error(action.error());
  else execute(std::move(*action));
  do_read();
}

void WsSession::send_text(std::string text) {
  if (text.empty()) return;
  send(make_frame(std::move(text)));
}

void WsSession::send(const Frame& frame) {
  if (closing_ || !open_) return;
  if (queued_bytes_ + frame->size() > app_.limits.max_queued_bytes) {
    app_.metrics->slow_consumers.fetch_add(1, std::memory_order_relaxed);
    services_.metrics->error(info_.app, "slow_consumer");
    // Deferred: the fan-out may be iterating the room this session is in.
    boost::asio::post(ws_.get_executor(), [self = shared_from_this()] { self->close(1008, "slow consumer"); });
    closing_ = true;
    return;
  }
  queued_bytes_ += frame->size();
  queue_.push_back(frame);
  if (queued() == 1 && welcomed_) write_front();
}

void WsSession::write_front() {
  // Everything queued so far goes in one gathered write (up to a batch).
  in_flight_ = ws_.next_layer().write_frames(std::span<const Frame>(queue_).subspan(queue_head_), queued(),
                                             [self = shared_from_this()](beast::error_code ec) { self->on_write(ec, 0); });
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < in_flight_; ++i) {
    bytes += queue_[queue_head_ + i]->size();
    queue_[queue_head_ + i].reset();  // the last socket to write a frame frees it
  }
  queued_bytes_ -= bytes;
  app_.metrics->frames_out.fetch_add(in_flight_, std::memory_order_relaxed);
  app_.metrics->bytes_out.fetch_add(bytes, std::memory_order_relaxed);
  queue_head_ += in_flight_;
  in_flight_ = 0;
  if (ec || queue_head_ == queue_.size()) {
    queue_.clear();
    queue_head_ = 0;
    queued_bytes_ = 0;
  } else if (queue_head_ >= queue_.size() / 2) {
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_));
    queue_head_ = 0;
  }
  if (ec) return;
  if (queued() > 0) return write_front();
  if (queue_.capacity() > kKeptQueueSlots) std::vector<Frame>().swap(queue_);  // a burst's slots go back
  if (pending_close_) do_close();
}

void WsSession::close(int code, std::string_view reason) {
  if (!ws_.is_open() || pending_close_) return;
  closing_ = true;
  pending_close_ = std::make_unique<std::pair<int, std::string>>(code, std::string(reason.substr(0, 120)));
  // Frames not yet started are dropped: the socket is going away. A batch in
  // flight finishes first, bounded by the deadline.
  // Before the greeting nothing is in flight, and the greeting never comes.
  if (!welcomed_) queue_.clear();
  welcomed_ = true;
  queue_.resize(queue_head_ + in_flight_);
  queued_bytes_ = 0;
  for (std::size_t i = queue_head_; i < queue_.size(); ++i) queued_bytes_ += queue_[i]->size();
  arm_deadline();
  if (open_) {
    if (auto frame = app_.adapter->encode_close(code, reason)) {
      queued_bytes_ += frame->size();
      queue_.push_back(make_frame(std::move(*frame)));
      if (queued() == 1) write_front();
      return;
    }
  }
  if (queued() == 0) do_close();
}

void WsSession::do_close() {
  auto [code, reason] = *pending_close_;
  websocket::close_reason cr(static_cast<websocket::close_code>(code),
                             websocket::reason_string(reason.data(), reason.size()));
  ws_.async_close(cr, [self = shared_from_this()](beast::error_code) { self->shutdown("server_closed"); });
}

void WsSession::shutdown(std::string_view reason) {
  if (!open_) return;
  open_ = false;
  closing_ = true;
  auto rooms = joined_rooms();
  for (const auto& room : rooms) leave(room);
  for (auto& action : app_.adapter->on_close(info_, rooms)) publish(std::move(action));
  services_.sessions[loop_].erase(this);
  app_.metrics->connections.fetch_sub(1, std::memory_order_relaxed);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - opened_at_);
  publish_lifecycle("disconnect", ",\"reason\":" + Json(std::string(reason)).dump() +
                                    ",\"duration_ms\":" + std::to_string(ms.count()));
}

}  // namespace gangway::net
