#include "tests/bench/publisher.hpp"

#include <nats/nats.h>

#include <chrono>
#include <thread>
#include <vector>

#include "tests/bench/report.hpp"

namespace gangway::bench {

PublishResult publish_round_robin(const Options& o, const ClientScript& script) {
  PublishResult r;
  natsConnection* nc = nullptr;
  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts, o.nats_url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(opts, "gangway-load");
  if (s == NATS_OK) s = natsConnection_Connect(&nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) {
    r.error = std::string("nats connect to ") + o.nats_url + ": " + natsStatus_GetText(s);
    return r;
  }
  std::vector<std::string> subjects;
  subjects.reserve(o.rooms);
  for (std::size_t room = 0; room < o.rooms; ++room)
    subjects.push_back(script.subject(o.id_prefix + "-room-" + std::to_string(room)));

  using clock = std::chrono::steady_clock;
  auto begin = clock::now();
  auto end = begin + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.duration_s));
  r.start_ns = realtime_ns();
  for (std::uint64_t seq = 0;; ++seq) {
    auto now = clock::now();
    if (o.count > 0 && seq >= o.count) break;
    if (o.rate > 0) {
      auto due = begin + std::chrono::duration_cast<clock::duration>(
                             std::chrono::duration<double>(static_cast<double>(seq) / o.rate));
      if (o.count == 0 && due >= end) break;
      if (due > now) std::this_thread::sleep_until(due);
    } else if (o.count == 0 && now >= end) {
      break;
    }
    const std::string& subject = subjects[seq % o.rooms];
    std::string body = script.body(seq, realtime_ns());
    if (natsConnection_Publish(nc, subject.c_str(), body.data(), static_cast<int>(body.size())) == NATS_OK)
      ++r.published;
    else
      ++r.errors;
    // A PING and its PONG: the server has handled everything before it.
    if (o.flush_every && (seq + 1) % o.flush_every == 0) {
      if (natsStatus f = natsConnection_FlushTimeout(nc, 10'000); f != NATS_OK) {
        r.error = std::string("nats flush: ") + natsStatus_GetText(f);
        break;
      }
    }
  }
  if (natsStatus f = natsConnection_FlushTimeout(nc, 10'000); f != NATS_OK)
    r.error = std::string("nats flush: ") + natsStatus_GetText(f);
  r.end_ns = realtime_ns();
  natsConnection_Destroy(nc);
  return r;
}

}  // namespace gangway::bench
