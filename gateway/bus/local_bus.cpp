#include "gateway/bus/local_bus.hpp"

#include <atomic>
#include <charconv>
#include <mutex>
#include <utility>
#include <vector>

#include "gateway/bus/dispatcher.hpp"
#include "gateway/bus/subject_match.hpp"

namespace gangway::bus {
namespace {

constexpr std::string_view kInboxPrefix = "_INBOX.local.";

struct Entry {
  std::string pattern;
  Handler handler;
  std::atomic<bool> active{true};
};

}  // namespace

struct LocalBus::Core {
  Dispatcher dispatcher;
  std::mutex mu;
  std::vector<std::shared_ptr<Entry>> subs;  // a linear scan is fine for a single node

  std::vector<std::shared_ptr<Entry>> matching(std::string_view subject) {
    std::vector<std::shared_ptr<Entry>> out;
    std::lock_guard lk(mu);
    for (auto& e : subs) {
      if (subject_matches(e->pattern, subject)) out.push_back(e);
    }
    return out;
  }

  // Queues one delivery per matching subscription; returns how many.
  std::size_t deliver(Message msg) {
    auto targets = matching(msg.subject);
    for (std::size_t i = 0; i < targets.size(); ++i) {
      Message copy = (i + 1 == targets.size()) ? std::move(msg) : msg;
      dispatcher.post([e = std::move(targets[i]), m = std::move(copy)]() mutable {
        // Skips deliveries queued before an unsubscribe, as far as it can see.
        if (e->active.load(std::memory_order_acquire)) e->handler(std::move(m));
      });
    }
    return targets.size();
  }
};

namespace {

class LocalSubscription final : public Subscription {
 public:
  LocalSubscription(std::shared_ptr<LocalBus::Core> core, std::shared_ptr<Entry> entry)
      : core_(std::move(core)), entry_(std::move(entry)) {}

  ~LocalSubscription() override {
    entry_->active.store(false, std::memory_order_release);
    {
      std::lock_guard lk(core_->mu);
      std::erase(core_->subs, entry_);
    }
    // Release our reference on the dispatcher thread, so the handler (and what
    // it captures) is destroyed there after its last run, as with nats.c. If
    // the bus has stopped, post() drops the job and it dies here instead.
    core_->dispatcher.post([e = std::move(entry_)]() mutable { e.reset(); });
  }

 private:
  std::shared_ptr<LocalBus::Core> core_;
  std::shared_ptr<Entry> entry_;
};

std::uint64_t inbox_token(std::string_view subject) {
  if (!subject.starts_with(kInboxPrefix)) return 0;
  subject.remove_prefix(kInboxPrefix.size());
  std::uint64_t token = 0;
  auto [end, ec] = std::from_chars(subject.data(), subject.data() + subject.size(), token);
  if (ec != std::errc() || end != subject.data() + subject.size()) return 0;
  return token;
}

}  // namespace

LocalBus::LocalBus() : core_(std::make_shared<Core>()) {}

LocalBus::~LocalBus() { core_->dispatcher.stop(BusError::not_connected); }

std::unique_ptr<Subscription> LocalBus::subscribe(const std::string& subject, Handler handler) {
  if (!is_valid_pattern(subject) || !handler) return nullptr;
  auto entry = std::make_shared<Entry>();
  entry->pattern = subject;
  entry->handler = std::move(handler);
  {
    std::lock_guard lk(core_->mu);
    core_->subs.push_back(entry);
  }
  return std::make_unique<LocalSubscription>(core_, std::move(entry));
}

BusError LocalBus::publish(const std::string& subject, std::string_view data, const Headers& headers) {
  if (!is_valid_subject(subject)) return BusError::failed;
  core_->deliver(Message{subject, std::string(data), {}, headers});
  // A reply to one of our requests: completed in order after the deliveries.
  if (std::uint64_t token = inbox_token(subject)) {
    BusError e = BusError::ok;
    std::string body(data);
    for (const auto& [name, value] : headers)
      if (name == "Nats-Service-Error-Code") e = BusError::rejected, body = value;  // a worker's refusal
    core_->dispatcher.post([core = std::weak_ptr<Core>(core_), token, e, body = std::move(body)]() mutable {
      if (auto c = core.lock()) c->dispatcher.complete(token, e, std::move(body));
    });
  }
  return BusError::ok;
}

void LocalBus::request(const std::string& subject, std::string_view data, std::chrono::milliseconds timeout,
                       ReplyFn done) {
  std::uint64_t token = core_->dispatcher.expect_reply(timeout, std::move(done));
  if (!is_valid_subject(subject)) return core_->dispatcher.complete_later(token, BusError::failed);
  Message msg{subject, std::string(data), std::string(kInboxPrefix) + std::to_string(token), {}};
  if (core_->deliver(std::move(msg)) == 0) core_->dispatcher.complete_later(token, BusError::no_responders);
}

void LocalBus::publish_durable(const std::string& subject, std::string_view data, const std::string& msg_id,
                               std::chrono::milliseconds timeout, AckFn done) {
  auto ack = [done = std::move(done)](BusError e, std::string&&) { done(e); };
  std::uint64_t token = core_->dispatcher.expect_reply(timeout, std::move(ack));
  Headers headers;
  if (!msg_id.empty()) headers.emplace_back("Nats-Msg-Id", msg_id);
  core_->dispatcher.complete_later(token, publish(subject, data, headers));
}

void LocalBus::flush(std::chrono::milliseconds timeout, AckFn done) {
  auto ack = [done = std::move(done)](BusError e, std::string&&) { done(e); };
  core_->dispatcher.complete_later(core_->dispatcher.expect_reply(timeout, std::move(ack)), BusError::ok);
}

void LocalBus::on_state_change(std::function<void(bool connected)>) {}

}  // namespace gangway::bus
