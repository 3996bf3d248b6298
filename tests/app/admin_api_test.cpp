// The admin API's handlers: a user's sockets across gateways from presence,
// a disconnect published on the control subject, and a clear 4xx/503 for
// every request it cannot serve. (Authentication: tests/admin; over HTTP
// against real gateways: tests/integration/revocation_test.cpp.)
#include "gateway/app/admin_api.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "gateway/bus/local_bus.hpp"
#include "gateway/core/model.hpp"

namespace gangway {
namespace {

using namespace std::chrono_literals;

// A bus that is down: every publish is refused, as NatsBus's while disconnected.
class DownBus final : public bus::Bus {
 public:
  std::unique_ptr<bus::Subscription> subscribe(const std::string&, bus::Handler) override { return nullptr; }
  bus::BusError publish(const std::string&, std::string_view, const bus::Headers&) override {
    return bus::BusError::not_connected;
  }
  void request(const std::string&, std::string_view, std::chrono::milliseconds, ReplyFn done) override {
    done(bus::BusError::not_connected, {});
  }
  void publish_durable(const std::string&, std::string_view, const std::string&, std::chrono::milliseconds,
                       AckFn done) override {
    done(bus::BusError::not_connected);
  }
  void flush(std::chrono::milliseconds, AckFn done) override { done(bus::BusError::not_connected); }
  bool connected() const override { return false; }
  void on_state_change(std::function<void(bool)>) override {}
};

AdminRequest get(std::string_view query) {
  AdminRequest r;
  r.method = "GET";
  r.path = "/api/v1/connections";
  r.query = query;
  return r;
}

AdminRequest post(std::string_view body) {
  AdminRequest r;
  r.method = "POST";
  r.path = "/api/v1/disconnect";
  r.body = body;
  return r;
}

Json body_of(const AdminResponse& r) { return Json::parse(r.body); }

class AdminApiTest : public ::testing::Test {
 protected:
  bus::LocalBus bus;
  Presence presence{bus, nullptr, "gw-presence", "gw-a"};
  AdminApi api{&bus, &presence, Subjects("gw"), {"tribe", "winkr"}};
};

TEST_F(AdminApiTest, ListsAUsersSocketsOnEveryGateway) {
  presence.enter("tribe", {"user", "u-1"}, "u-1", "c-local");
  presence.enter("tribe", {"user", "u-2"}, "u-2", "c-other-user");
  // Another gateway's socket, as its presence write arrives.
  bus.publish("$KV.gw-presence.tribe.user.u-1.u-1.c-remote", "gw-b");
  Json listed;
  for (int i = 0; i < 200; ++i) {
    listed = body_of(list_connections(api, get("app=tribe&user=u-1")));
    if (listed["connections"].size() == 2) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(listed, Json::parse(R"({"app": "tribe", "user": "u-1", "connections": [
                                     {"conn": "c-local", "gateway": "gw-a"},
                                     {"conn": "c-remote", "gateway": "gw-b"}]})"));
  auto none = list_connections(api, get("app=winkr&user=u-1"));
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(body_of(none)["connections"], Json::array());
  EXPECT_EQ(none.content_type, "application/json");
}

TEST_F(AdminApiTest, ListingRefusesWhatItCannotAnswer) {
  const std::pair<std::string_view, int> cases[] = {
      {"", 400}, {"app=tribe", 400}, {"user=u-1", 400}, {"app=tribe&user=u.1", 400},
      {"app=tribe&user=%2A", 400}, {"app=nope&user=u-1", 404},
  };
  for (auto [query, status] : cases) {
    auto r = list_connections(api, get(query));
    EXPECT_EQ(r.status, status) << query;
    EXPECT_TRUE(body_of(r)["error"].is_string()) << query;
  }
}

TEST_F(AdminApiTest, ADisconnectIsPublishedOnTheControlSubject) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<bus::Message> seen;
  auto sub = bus.subscribe("gw.ctl.>", [&](bus::Message&& m) {
    std::lock_guard lock(mu);
    seen.push_back(std::move(m));
    cv.notify_all();
  });
  auto user = disconnect(api, post(R"({"app": "tribe", "user": "u-1", "reason": "logout"})"));
  EXPECT_EQ(user.status, 202);
  EXPECT_EQ(body_of(user)["subject"], "gw.ctl.tribe.disconnect.user.u-1");
  auto conn = disconnect(api, post(R"({"app": "winkr", "conn": "c-42"})"));
  EXPECT_EQ(conn.status, 202);
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return seen.size() == 2; }));
  EXPECT_EQ(seen[0].subject, "gw.ctl.tribe.disconnect.user.u-1");
  EXPECT_EQ(Json::parse(seen[0].data), Json::parse(R"({"reason": "logout"})"));
  EXPECT_EQ(seen[1].subject, "gw.ctl.winkr.disconnect.conn.c-42");
  EXPECT_EQ(seen[1].data, "{}");
}

TEST_F(AdminApiTest, ADisconnectRefusesWhatItCannotDo) {
  const std::pair<std::string_view, int> cases[] = {
      {"", 400},
      {"[]", 400},
      {R"({"user": "u-1"})", 400},
      {R"({"app": "tribe"})", 400},
      {R"({"app": "tribe", "user": "u-1", "conn": "c-1"})", 400},
      {R"({"app": "tribe", "user": "u-1.>"})", 400},
      {R"({"app": "tribe", "user": 7})", 400},
      {R"({"app": "tribe", "user": "u-1", "reason": 7})", 400},
      {R"({"app": "nope", "user": "u-1"})", 404},
  };
  for (auto [body, status] : cases) {
    auto r = disconnect(api, post(body));
    EXPECT_EQ(r.status, status) << body;
    EXPECT_TRUE(body_of(r)["error"].is_string()) << body;
  }
  DownBus down;
  AdminApi offline{&down, &presence, Subjects("gw"), {"tribe"}};
  auto r = disconnect(offline, post(R"({"app": "tribe", "user": "u-1"})"));
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(body_of(r)["error"].get<std::string>().find("nothing was disconnected"), std::string::npos);
}

}  // namespace
}  // namespace gangway
