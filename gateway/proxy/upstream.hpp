#pragma once
// An app's backend as the pass-through reaches it: its address, and on each
// loop a pool of idle keep-alive connections, so that a request usually
// needs no new TCP connection (nor a thread: everything here is asynchronous
// on the requesting socket's loop, the name lookup on asio's resolver thread).
//
// Threads: acquire() and release() run on loop `loop` and touch only that
// loop's pool, so the pools need no lock; drain() and the counters are for
// any thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/proxy/counters.hpp"
#include "gateway/proxy/options.hpp"

namespace gangway::proxy {

using Executor = boost::asio::io_context::executor_type;
// A TCP stream with a deadline per operation (expires_after), on a loop's executor.
using Stream = boost::beast::basic_stream<boost::asio::ip::tcp, Executor, boost::beast::unlimited_rate_policy>;

struct BackendConnection {
  explicit BackendConnection(const Executor& executor) : stream(executor) {}
  Stream stream;
  boost::beast::flat_buffer buffer;  // read past the last answer: must be empty to reuse
  std::chrono::steady_clock::time_point idle_since;
  bool reused = false;  // from the pool: the backend may have closed it meanwhile
};

class Upstream {
 public:
  // `backend_url`: http://host[:port][/prefix]; throws std::invalid_argument
  // for anything else. One pool for each of `loops` loops.
  Upstream(Options options, const std::string& backend_url, std::size_t loops);
  ~Upstream();
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;

  const Options& options() const { return options_; }
  const std::string& host() const { return host_header_; }  // host[:port], the Host the backend expects
  const std::string& prefix() const { return prefix_; }     // the URL's path, before every target; no trailing '/'
  Counters& counters() { return *counters_; }
  std::shared_ptr<const Counters> shared_counters() const { return counters_; }

  using Acquired = std::function<void(boost::beast::error_code, std::unique_ptr<BackendConnection>)>;
  // On loop `loop`: a pooled connection that still looks open and has been
  // idle less than pool_idle, else (or with `fresh`) a new one within
  // connect_timeout (beast::error::timeout beyond it). `done` may run before
  // this returns (a pooled connection), else on the loop.
  void acquire(std::size_t loop, const Executor& executor, bool fresh, Acquired done);
  // On loop `loop`: keeps `connection` (an answer read whole, nothing more
  // read) for the next request, if the pool has room and the gateway is not draining.
  void release(std::size_t loop, std::unique_ptr<BackendConnection> connection);
  // Once no loop runs: closes the pooled connections, while their io_contexts exist.
  void close_all();
  // Any thread: answers from now on close their client connection, and no
  // backend connection is pooled.
  void drain() { draining_.store(true, std::memory_order_relaxed); }
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

 private:
  void connect(const Executor& executor, Acquired done);
  void connect_to(std::unique_ptr<BackendConnection> c, const std::vector<boost::asio::ip::tcp::endpoint>& at,
                  Acquired done);

  Options options_;
  std::string host_;         // to resolve (an IP literal is not)
  std::string port_;
  std::string host_header_;
  std::string prefix_;
  std::shared_ptr<Counters> counters_ = std::make_shared<Counters>();
  std::vector<std::vector<std::unique_ptr<BackendConnection>>> idle_;  // [loop], oldest first
  std::atomic<bool> draining_{false};
};

}  // namespace gangway::proxy
