#include "gateway/backend/callout_client.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gateway/backend/answer_cache.hpp"
#include "gateway/backend/ca_bundle.hpp"
#include "gateway/backend/request_template.hpp"
#include "gateway/backend/response_rule.hpp"

namespace gangway::backend {

namespace {

using Outcome = CalloutResult::Outcome;

CalloutResult result_of(Outcome o) {
  CalloutResult r;
  r.outcome = o;
  return r;
}

// A credential is copied into a header line: control characters (CR/LF above
// all) would let a client write headers of its own.
bool header_safe(std::string_view v) {
  return std::none_of(v.begin(), v.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; });
}

struct BaseUrl {
  std::string origin;  // scheme://host[:port]
  std::string prefix;  // path before every callout path, without a trailing '/'
};

BaseUrl parse_base_url(const std::string& url) {
  auto scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    throw std::invalid_argument("callout base_url must start with http:// or https://: " + url);
  auto path_start = url.find('/', scheme_end + 3);
  BaseUrl b{url.substr(0, path_start), path_start == std::string::npos ? "" : url.substr(path_start)};
  if (b.origin.size() == scheme_end + 3) throw std::invalid_argument("callout base_url has no host: " + url);
  while (!b.prefix.empty() && b.prefix.back() == '/') b.prefix.pop_back();
  return b;
}

// Everything a worker needs, prepared on the caller's thread.
struct Task {
  std::string method;
  std::string path;
  std::string body;
  httplib::Headers headers;
  std::chrono::milliseconds timeout;
  std::chrono::milliseconds cache_ttl;
  std::string cache_key;
  CalloutSpec spec;  // for the allow rule
  std::function<void(CalloutResult)> done;
};

}  // namespace

struct CalloutClient::Impl {
  Impl(std::string base_url, unsigned threads, std::size_t queue_capacity, const std::string& ca_file);
  ~Impl();

  void call(const CalloutSpec& spec, CalloutRequest request, std::function<void(CalloutResult)> done);
  void run(httplib::Client& client);
  CalloutResult perform(httplib::Client& client, const Task& t);

  const BaseUrl base_;
  const std::size_t queue_capacity_;
  AnswerCache cache_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::atomic<bool> stopped_flag_{false};  // read by workers between popping and calling

  // One connection per worker: httplib::Client is not safe for concurrent
  // requests, but its stop() may be called from another thread to abort one.
  std::vector<std::unique_ptr<httplib::Client>> clients_;
  std::vector<std::thread> workers_;
};

CalloutClient::Impl::Impl(std::string base_url, unsigned threads, std::size_t queue_capacity,
                          const std::string& ca_file)
    : base_(parse_base_url(base_url)), queue_capacity_(queue_capacity) {
  bool https = base_.origin.rfind("https://", 0) == 0;
  if (!ca_file.empty() && !https) throw std::invalid_argument("a callout ca_file needs an https:// base_url");
  if (!ca_file.empty())
    if (auto problem = ca_bundle_problem(ca_file); !problem.empty())
      throw std::invalid_argument("callout ca_file: " + problem);
  threads = std::max(threads, 1u);
  for (unsigned i = 0; i < threads; ++i) {
    auto client = std::make_unique<httplib::Client>(base_.origin);
    if (!client->is_valid()) throw std::invalid_argument("callout base_url is not usable: " + base_.origin);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);       // headers and body go out in separate writes
    client->set_follow_location(false);  // a redirect is an answer we do not understand: unavailable
    client->set_url_encode(false);       // paths are already percent-encoded by expand_path
    // cpp-httplib verifies by default; said here so it stays so. With a CA
    // file it trusts that file only, else the system's default store.
    if (https) client->enable_server_certificate_verification(true);
    if (!ca_file.empty()) client->set_ca_cert_path(ca_file);
    clients_.push_back(std::move(client));
  }
  for (auto& c : clients_) workers_.emplace_back([this, client = c.get()] { run(*client); });
}

CalloutClient::Impl::~Impl() {
  std::deque<Task> pending;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    stopped_flag_ = true;
    pending.swap(queue_);
  }
  wake_.notify_all();
  for (auto& c : clients_) c->stop();
  for (auto& t : pending) t.done(result_of(Outcome::unavailable));
  for (auto& w : workers_) w.join();
}

void CalloutClient::Impl::call(const CalloutSpec& spec, CalloutRequest request,
                               std::function<void(CalloutResult)> done) {
  Task t;
  t.method = spec.method;
  if (t.method != "GET" && t.method != "POST") return done(result_of(Outcome::unavailable));

  auto path = expand_path(spec.path, request.params);
  if (!path) return done(result_of(Outcome::unavailable));
  t.path = base_.prefix + *path;
  if (t.method == "POST") {
    auto body = expand_body(spec.body, request.params, request.body);
    if (!body) return done(result_of(Outcome::unavailable));
    t.body = std::move(*body);
  }

  t.headers.emplace("Accept", "application/json");
  if (spec.forward_bearer && !request.bearer.empty()) {
    if (!header_safe(request.bearer)) return done(result_of(Outcome::denied));
    t.headers.emplace("Authorization", "Bearer " + request.bearer);
  }
  if (spec.forward_cookie && !request.cookie.empty()) {
    if (!header_safe(request.cookie)) return done(result_of(Outcome::denied));
    t.headers.emplace("Cookie", request.cookie);
  }

  t.timeout = spec.timeout;
  t.cache_ttl = spec.cache_ttl;
  if (t.cache_ttl.count() > 0) {
    t.cache_key = cache_key(spec, t.path, t.body, request);
    if (auto hit = cache_.find(t.cache_key, AnswerCache::Clock::now())) return done(std::move(*hit));
  }
  t.spec = spec;
  t.done = std::move(done);

  {
    std::unique_lock lock(mutex_);
    if (!stopping_ && queue_.size() < queue_capacity_) {
      queue_.push_back(std::move(t));
      lock.unlock();
      wake_.notify_one();
      return;
    }
  }
  // Full (or shutting down): fail closed now rather than make the caller wait.
  t.done(result_of(Outcome::unavailable));
}

void CalloutClient::Impl::run(httplib::Client& client) {
  for (;;) {
    Task t;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // the destructor completes what is still queued
      t = std::move(queue_.front());
      queue_.pop_front();
    }
    CalloutResult r = stopped_flag_ ? result_of(Outcome::unavailable) : perform(client, t);
    if (r.allowed() && t.cache_ttl.count() > 0) {
      auto now = AnswerCache::Clock::now();
      cache_.put(t.cache_key, r, now + t.cache_ttl, now);
    }
    t.done(std::move(r));
  }
}

CalloutResult CalloutClient::Impl::perform(httplib::Client& client, const Task& t) {
  // A read timeout applies to each read, so a backend that trickles bytes can
  // hold a worker longer than `timeout`; it still cannot hold it forever.
  auto timeout = std::max(t.timeout, std::chrono::milliseconds(1));  // 0 would mean "don't wait at all"
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  httplib::Result res = t.method == "POST"
                            ? client.Post(t.path.c_str(), t.headers, t.body, "application/json")
                            : client.Get(t.path.c_str(), t.headers);
  // No response at all: refused, timed out, reset, or aborted by shutdown.
  if (!res) return result_of(Outcome::unavailable);
  return classify_response(t.spec, res->status, res->body);
}

CalloutClient::CalloutClient(std::string base_url, unsigned threads, std::size_t queue_capacity,
                             const std::string& ca_file)
    : impl_(std::make_unique<Impl>(std::move(base_url), threads, queue_capacity, ca_file)) {}

CalloutClient::~CalloutClient() = default;

void CalloutClient::call(const CalloutSpec& spec, CalloutRequest request,
                         std::function<void(CalloutResult)> done) {
  impl_->call(spec, std::move(request), std::move(done));
}

}  // namespace gangway::backend
