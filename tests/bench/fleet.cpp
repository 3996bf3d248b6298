#include "tests/bench/fleet.hpp"

#include <netinet/in.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <future>
#include <iostream>
#include <random>
#include <thread>
#include <utility>  // Boost 1.74 asio/awaitable.hpp uses std::exchange without it
#include <vector>

#include <openssl/evp.h>

#include "gateway/core/open_files.hpp"
#include "tests/bench/tls_client.hpp"
#include "tests/bench/ws_frames.hpp"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24  // linux/in.h: pick the port at connect, by 4-tuple
#endif

namespace gangway::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using BindNoPort = asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;

namespace {

struct Conn;

// One io_context and everything only its thread touches (plus a few atomics).
struct Worker {
  asio::io_context ioc{1};
  std::thread thread;
  std::vector<std::shared_ptr<Conn>> conns;
  std::size_t next = 0, in_setup = 0, setup_cap = 1;
  FleetReport stats;                  // histograms, times, errors: this thread only
  std::vector<std::int64_t> scratch;  // send times found in one frame
  std::vector<std::string> replies;   // frames the protocol asks to send back
  std::vector<char> read_buffer = std::vector<char>(64 * 1024);  // every socket of the thread reads into it
  std::minstd_rand rng{std::random_device{}()};  // masks and upgrade nonces
  std::atomic<std::uint64_t> upgraded{0}, subscribed{0}, failed{0}, received{0}, closed{0};
  std::atomic<std::uint64_t> deflate_accepted{0};
  bool stopping = false;
};

}  // namespace

struct Fleet::Impl {
  const Options& o;
  const ClientScript& script;
  std::size_t first, count;
  tcp::endpoint server;
  std::unique_ptr<TlsClientContext> tls;  // --tls
  std::vector<std::unique_ptr<Worker>> workers;

  void launch_more(Worker& w);
  void setup_done(Worker& w) {
    --w.in_setup;
    launch_more(w);
  }
  template <class F>
  void on_all_workers(F f) {  // runs f(worker) on each worker's thread; waits
    std::vector<std::future<void>> done;
    for (auto& w : workers) {
      auto p = std::make_shared<std::promise<void>>();
      done.push_back(p->get_future());
      asio::post(w->ioc, [p, f, wp = w.get()] {
        f(*wp);
        p->set_value();
      });
    }
    for (auto& d : done) d.wait();
  }
};

namespace {

// A socket's state while it upgrades.
struct Handshake {
  std::string request;
  beast::flat_buffer buffer;  // the answer, and any frames that came with it
  http::response_parser<http::empty_body> parser;
  std::vector<std::string> first_frames;  // sent once upgraded
};

// The upgrade request. The extension offer is Beast's client default (what
// earlier runs of this tool sent): both windows 15 bits, context takeover
// unless the server declines it, so the server picks the terms.
std::string upgrade_request(const Options& o, const ConnectPlan& plan, std::minstd_rand& rng) {
  unsigned char nonce[16];
  for (auto& b : nonce) b = static_cast<unsigned char>(rng());
  unsigned char key[25];  // 24 base64 characters and a NUL
  EVP_EncodeBlock(key, nonce, sizeof nonce);
  std::string r = "GET " + plan.target + " HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) +
                  "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Key: " + reinterpret_cast<const char*>(key) + "\r\nUser-Agent: gangway-load\r\n";
  for (const auto& [name, value] : plan.headers) r += name + ": " + value + "\r\n";
  if (o.deflate)
    r += "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=15; client_max_window_bits=15\r\n";
  return r + "\r\n";
}

struct Conn : std::enable_shared_from_this<Conn> {
  // A socket bound to its io_context's concrete executor: the type-erased
  // default (any_io_executor) is copied and destroyed in every operation, a
  // per-read cost the server under test would be charged for on shared cores.
  using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;

  Fleet::Impl& fleet;
  Worker& w;
  Identity id;
  std::size_t room_index;
  Socket sock;
  std::unique_ptr<Handshake> handshake;  // until upgraded
  FrameReader frames;
  std::deque<std::string> outbox;  // whole masked frames
  std::unique_ptr<ClientStream> stream;  // the script's per-socket state (may be null)
  std::unique_ptr<TlsClient> tls;        // --tls: from the connect on
  std::int64_t t0 = 0;
  bool subscribed = false, in_setup = true, open = false, close_sent = false;

  Conn(Fleet::Impl& f, Worker& wk, Identity ident, std::size_t room)
      : fleet(f), w(wk), id(std::move(ident)), room_index(room), sock(wk.ioc.get_executor()), stream(f.script.new_stream()) {
    // Made before the clock starts: a real client arrives with its token
    // and does not mint it while connecting.
    ConnectPlan plan = fleet.script.connect(id);
    handshake = std::make_unique<Handshake>();
    handshake->first_frames = std::move(plan.first_frames);
    handshake->request = upgrade_request(fleet.o, plan, w.rng);
  }

  void fail(const std::string& why) {
    if (w.stopping) {
      // finish() already accounted for this socket.
    } else if (in_setup) {
      in_setup = false;
      ++w.stats.errors[why];
      w.failed.fetch_add(1, std::memory_order_relaxed);
      fleet.setup_done(w);
    } else if (subscribed) {
      ++w.stats.errors[why];
      w.closed.fetch_add(1, std::memory_order_relaxed);
    }
    open = false;
    beast::error_code ignored;
    sock.close(ignored);
  }

  void start() {
    t0 = realtime_ns();
    beast::error_code ec;
    sock.open(tcp::v4(), ec);
    if (!ec) sock.set_option(BindNoPort(true), ec);
    if (ec) return fail("socket: " + ec.message());
    auto last = static_cast<unsigned>(1 + id.index % fleet.o.source_addrs);
    sock.bind(tcp::endpoint(asio::ip::address_v4((127u << 24) | last), 0), ec);
    if (ec) return fail("bind: " + ec.message());
    sock.async_connect(fleet.server, [self = shared_from_this()](beast::error_code e) { self->on_connect(e); });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return fail("connect: " + ec.message());
    sock.set_option(tcp::no_delay(true), ec);
    if (fleet.tls) {
      sock.non_blocking(true, ec);
      tls = std::make_unique<TlsClient>(*fleet.tls, sock.native_handle(), fleet.o.server_name);
      return tls_handshake();
    }
    asio::async_write(sock, asio::buffer(handshake->request),
                      [self = shared_from_this()](beast::error_code e, std::size_t) {
                        if (e) return self->fail("upgrade: " + e.message());
                        self->read_answer();
                      });
  }

  void read_answer() {
    http::async_read_header(sock, handshake->buffer, handshake->parser,
                            [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_answer(e); });
  }

  // Waits for the socket to be readable (`Socket::wait_read`) or writable, then runs `then`.
  template <class Then>
  void when(Socket::wait_type what, Then then) {
    sock.async_wait(what, [self = shared_from_this(), then](beast::error_code ec) {
      if (ec && self->sock.is_open()) self->fail("wait: " + ec.message());
      if (ec) return;
      then(*self);
    });
  }

  void tls_handshake() {
    switch (tls->handshake()) {
      case TlsClient::Status::done:
        // The upgrade request goes like a frame; the answer comes to on_readable.
        outbox.push_back(std::move(handshake->request));
        write_front();
        return wait_readable();
      case TlsClient::Status::want_read: return when(Socket::wait_read, [](Conn& c) { c.tls_handshake(); });
      case TlsClient::Status::want_write: return when(Socket::wait_write, [](Conn& c) { c.tls_handshake(); });
      default: return fail("TLS handshake: " + tls->error());
    }
  }

  // --tls: bytes of the upgrade's answer; false once the socket is done with.
  bool on_answer_bytes(std::string_view bytes) {
    auto& b = handshake->buffer;
    b.commit(asio::buffer_copy(b.prepare(bytes.size()), asio::buffer(bytes.data(), bytes.size())));
    beast::error_code ec;
    b.consume(handshake->parser.put(b.data(), ec));
    if (ec == http::error::need_more) return true;
    if (!ec && !handshake->parser.is_header_done()) return true;
    return take_answer(ec);
  }

  void on_answer(beast::error_code ec) {
    if (take_answer(ec)) wait_readable();
  }

  // The upgrade's answer is read (its header; what follows is in
  // handshake->buffer): false once the socket is done with.
  bool take_answer(beast::error_code ec) {
    const auto& answer = handshake->parser.get();
    if (ec) return fail("upgrade: " + ec.message()), false;
    if (answer.result_int() != 101) return fail("upgrade refused: HTTP " + std::to_string(answer.result_int())), false;
    open = true;
    // Beast's client offer (no context takeover asked for): the server picks the terms.
    auto extensions = answer[http::field::sec_websocket_extensions];
    if (fleet.o.deflate && extensions.find("permessage-deflate") != beast::string_view::npos) {
      w.deflate_accepted.fetch_add(1, std::memory_order_relaxed);
      frames.enable_inflate(extensions.find("server_no_context_takeover") != beast::string_view::npos);
    }
    w.upgraded.fetch_add(1, std::memory_order_relaxed);
    w.stats.last_upgrade_ns = std::max(w.stats.last_upgrade_ns, realtime_ns());
    auto first = std::move(handshake->first_frames);
    // Bytes after the answer's header are frames (a greeting in the 101's segment).
    auto rest = handshake->buffer.cdata();
    std::string early(static_cast<const char*>(rest.data()), rest.size());
    handshake.reset();
    if (fleet.o.upgrade_only) {
      set_up();
    } else {
      for (auto& f : first) send(f);
    }
    if (!early.empty() && !on_bytes(early)) return false;
    sock.non_blocking(true, ec);
    return true;
  }

  void set_up() {
    in_setup = false;
    subscribed = true;
    std::int64_t now = realtime_ns();
    w.stats.setup.record(now - t0);
    w.stats.last_subscribed_ns = std::max(w.stats.last_subscribed_ns, now);
    w.subscribed.fetch_add(1, std::memory_order_relaxed);
    fleet.setup_done(w);
  }

  void send(std::string_view payload, int opcode = 0) {
    if (opcode == 0) opcode = fleet.script.binary_frames() ? kBinary : kText;
    outbox.push_back(client_frame(opcode, payload, static_cast<std::uint32_t>(w.rng())));
    if (outbox.size() == 1) write_front();
  }

  void write_front() {
    if (tls) return tls_write_front();
    asio::async_write(sock, asio::buffer(outbox.front()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->outbox.pop_front();
                        if (ec) return self->fail("write: " + ec.message());
                        if (!self->outbox.empty()) return self->write_front();
                        beast::error_code ignored;
                        if (!self->open) self->sock.close(ignored);  // the last write was the close frame's answer
                      });
  }

  void tls_write_front() {
    switch (tls->write(outbox.front().data(), outbox.front().size())) {
      case TlsClient::Status::done:
        outbox.pop_front();
        if (!outbox.empty()) return tls_write_front();
        if (!open && handshake == nullptr) {  // the last write was the close frame's answer
          beast::error_code ignored;
          sock.close(ignored);
        }
        return;
      case TlsClient::Status::want_write: return when(Socket::wait_write, [](Conn& c) { c.tls_write_front(); });
      case TlsClient::Status::want_read: return when(Socket::wait_read, [](Conn& c) { c.tls_write_front(); });
      default: return fail("write: " + tls->error());
    }
  }

  // --tls: reads every record that has arrived (until OpenSSL's read would
  // block, so the next readiness is reported), then waits again.
  void on_tls_readable() {
    for (;;) {
      std::size_t n = 0;
      auto status = tls->read(w.read_buffer.data(), w.read_buffer.size(), n);
      if (status == TlsClient::Status::want_read) break;
      if (status == TlsClient::Status::closed)
        return closed_by_server(close_sent ? "" : "connection closed without a close frame");
      if (status != TlsClient::Status::done) return closed_by_server("read: " + tls->error());
      std::string_view bytes(w.read_buffer.data(), n);
      if (!(handshake ? on_answer_bytes(bytes) : on_bytes(bytes))) return;
    }
    wait_readable();
  }

  // Reads when the socket has data, into the worker's buffer: an idle socket
  // holds no read buffer of its own.
  void wait_readable() {
    sock.async_wait(Socket::wait_read, [self = shared_from_this()](beast::error_code ec) { self->on_readable(ec); });
  }

  void on_readable(beast::error_code ec) {
    if (ec) return closed_by_server(ec.message());
    if (tls) return on_tls_readable();
    for (;;) {
      std::size_t n = sock.read_some(asio::buffer(w.read_buffer), ec);
      if (ec == asio::error::would_block) break;
      if (ec == asio::error::eof) return closed_by_server(close_sent ? "" : "connection closed without a close frame");
      if (ec) return closed_by_server(ec.message());
      if (!on_bytes(std::string_view(w.read_buffer.data(), n))) return;
      if (n < w.read_buffer.size()) break;
    }
    wait_readable();
  }

  // False once the socket is done with (failed or closed).
  bool on_bytes(std::string_view bytes) {
    bool alive = true;
    bool ok = frames.feed(bytes, [&](int opcode, std::string_view payload) {
      if (!alive) return;
      if (opcode == kPing) return send(payload, kPong);
      if (opcode == kPong) return;
      if (opcode == kClose) {
        alive = false;
        int code = close_code(payload);
        if (!close_sent) send(close_payload(static_cast<std::uint16_t>(code == 1005 ? 1000 : code)), kClose);
        return closed_by_server(close_sent ? "" : "close code " + std::to_string(code));
      }
      alive = on_message(payload);
    });
    if (!ok) {
      fail("bad frame: " + frames.error());
      return false;
    }
    return alive;
  }

  bool on_message(std::string_view frame) {
    if (in_setup) {
      SetupStep step = fleet.script.on_setup_frame(id, frame, stream.get());
      for (auto& f : step.send) send(f);
      if (step.state == SetupStep::State::failed) {
        fail(step.error);
        return false;
      }
      if (step.state == SetupStep::State::subscribed) set_up();
      return true;
    }
    w.scratch.clear();
    w.replies.clear();
    fleet.script.deliveries(frame, stream.get(), w.scratch, w.replies);
    for (auto& r : w.replies) send(r);
    if (!w.scratch.empty()) {
      std::int64_t now = realtime_ns();
      for (std::int64_t sent : w.scratch) w.stats.latency.record(now - sent);
      if (w.stats.first_recv_ns == 0) w.stats.first_recv_ns = now;
      w.stats.last_recv_ns = now;
      w.received.fetch_add(w.scratch.size(), std::memory_order_relaxed);
    }
    return true;
  }

  // The server closed (`why` empty: as we asked). While stopping that is the
  // end of the close handshake; before, an error of the run.
  void closed_by_server(const std::string& why) {
    if ((w.stopping && !in_setup) || why.empty()) {
      open = false;
      beast::error_code ignored;
      if (outbox.empty()) sock.close(ignored);  // else the close frame's write still runs
      return;
    }
    fail((in_setup ? "closed during setup: " : "closed after subscribe: ") + why);
  }

  void close() {
    if (!open || !outbox.empty()) {  // in setup, or a write pending: no close handshake
      open = false;
      beast::error_code ignored;
      sock.close(ignored);
      return;
    }
    // The server's close frame, then its end of the connection, come to the pending wait.
    close_sent = true;
    send(close_payload(1000), kClose);
  }
};

}  // namespace

void Fleet::Impl::launch_more(Worker& w) {
  while (!w.stopping && w.in_setup < w.setup_cap && w.next < w.conns.size()) {
    ++w.in_setup;
    w.conns[w.next++]->start();
  }
}

Fleet::Fleet(const Options& o, const ClientScript& script, std::size_t first, std::size_t count)
    : impl_(new Impl{o, script, first, count, {}, {}}) {
  // Sized before the clock starts: the table's doublings would otherwise
  // stall the connect storm being measured (see open_files.hpp).
  prepare_open_files(count + 64);
  impl_->server = tcp::endpoint(asio::ip::make_address(o.host), o.port);
  if (o.tls) impl_->tls = std::make_unique<TlsClientContext>(o.ca_file);
  std::size_t threads = std::max<std::size_t>(1, std::min(o.threads, count));
  for (std::size_t t = 0; t < threads; ++t) {
    auto w = std::make_unique<Worker>();
    w->setup_cap = std::max<std::size_t>(1, o.connect_concurrency / threads);
    impl_->workers.push_back(std::move(w));
  }
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t index = first + i;
    Worker& w = *impl_->workers[i % threads];
    std::size_t room = room_of(index, o.rooms);
    Identity id{index, o.id_prefix + "-" + std::to_string(index),
                o.id_prefix + "-room-" + std::to_string(room)};
    w.conns.push_back(std::make_shared<Conn>(*impl_, w, std::move(id), room));
  }
}

Fleet::~Fleet() {
  for (auto& w : impl_->workers) {
    w->ioc.stop();
    if (w->thread.joinable()) w->thread.join();
  }
}

void Fleet::start() {
  std::int64_t now = realtime_ns();
  for (auto& w : impl_->workers) {
    w->stats.start_ns = now;
    w->stats.attempted = w->conns.size();
    asio::post(w->ioc, [this, wp = w.get()] { impl_->launch_more(*wp); });
    w->thread = std::thread([wp = w.get()] {
      auto guard = asio::make_work_guard(wp->ioc);
      wp->ioc.run();
    });
  }
}

std::uint64_t Fleet::wait_setup(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::uint64_t done = 0, subscribed = 0;
    for (auto& w : impl_->workers) {
      subscribed += w->subscribed.load();
      done += w->subscribed.load() + w->failed.load();
    }
    if (done >= impl_->count || std::chrono::steady_clock::now() >= deadline) return subscribed;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::uint64_t Fleet::received() const {
  std::uint64_t n = 0;
  for (auto& w : impl_->workers) n += w->received.load(std::memory_order_relaxed);
  return n;
}

FleetReport Fleet::finish(std::uint64_t published, std::chrono::milliseconds idle,
                          std::chrono::milliseconds max) {
  auto& im = *impl_;
  std::uint64_t expected = 0;
  im.on_all_workers([&, rooms = im.o.rooms](Worker& w) {
    std::uint64_t mine = 0;
    for (auto& c : w.conns)
      if (c->subscribed) mine += expected_for_room(c->room_index, published, rooms);
    w.stats.expected = mine;
  });
  for (auto& w : im.workers) expected += w->stats.expected;
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + max;
  auto last_progress = clock::now();
  for (std::uint64_t seen = received(); seen < expected;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto now = clock::now();
    if (std::uint64_t n = received(); n != seen) {
      seen = n;
      last_progress = now;
    } else if (now - last_progress >= idle) {
      break;
    }
    if (now >= deadline) break;
  }

  // Close every socket (a WebSocket close handshake), bounded by 5 s.
  im.on_all_workers([](Worker& w) {
    w.stopping = true;
    for (std::size_t i = 0; i < w.next; ++i) {
      Conn& c = *w.conns[i];
      if (c.in_setup) ++w.stats.errors["setup timed out"];
      c.close();
    }
  });
  auto close_start = clock::now();
  std::size_t still_open = 0;
  for (;;) {
    std::atomic<std::size_t> open{0};
    im.on_all_workers([&open](Worker& w) {
      for (auto& c : w.conns) open += c->open ? 1 : 0;
    });
    still_open = open;
    if (still_open == 0 || clock::now() - close_start >= std::chrono::seconds(5)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!im.o.quiet)
    std::cerr << "gangway-load: close handshakes took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - close_start).count()
              << " ms\n";

  FleetReport total;
  if (still_open) total.errors["no close handshake within 5 s"] = still_open;
  for (auto& w : im.workers) {
    w->ioc.stop();
    if (w->thread.joinable()) w->thread.join();
    w->stats.upgraded = w->upgraded.load();
    w->stats.subscribed = w->subscribed.load();
    w->stats.received = w->received.load();
    w->stats.closed_early = w->closed.load();
    w->stats.deflate_accepted = w->deflate_accepted.load();
    w->stats.attempted = w->conns.size();
    if (std::size_t never = w->conns.size() - w->next; never > 0) w->stats.errors["never started"] += never;
    total.merge(w->stats);
  }
  return total;
}

}  // namespace gangway::bench
