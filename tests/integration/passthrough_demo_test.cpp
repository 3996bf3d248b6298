// One origin for REST and sockets: the demo backend's unchanged REST API
// through the tribe app's port, while sockets on the same port get what
// those REST calls publish.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/stack.hpp"
#include "tests/support/raw_http_client.hpp"

namespace gangway::test {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class PassThroughDemoTest : public SuiteStack<PassThroughDemoTest> {
 public:
  static json config(const std::string& nats_url, int backend_port) {
    auto c = tribe_config(nats_url, backend_port);
    c["apps"][0]["passthrough"] = {{"enabled", true}, {"prefixes", {"/api/", "/demo/"}}};
    return c;
  }

 protected:
  // The demo password, through the gateway.
  static std::string login_through_gateway(RawHttpClient& c, const std::string& user) {
    json body = {{"username", user}, {"password", "password"}};
    if (!c.send(post_request("/api/v1/auth/login", body.dump(), "Content-Type: application/json\r\n"))) return "";
    auto res = c.read();
    if (!res || res->result_int() != 200) return "";
    return json::parse(res->body(), nullptr, false).value("access_token", "");
  }
};

TEST_F(PassThroughDemoTest, RestAndSocketsOnOnePort) {
  RawHttpClient rest(port());
  auto alice = login_through_gateway(rest, "alice");
  auto bob = login_through_gateway(rest, "bob");
  ASSERT_FALSE(alice.empty());
  ASSERT_FALSE(bob.empty());
  auto socket = tribe_connect(port(), alice);
  socket->send(json{{"event", "subscribe"}, {"channel", "conversation"}, {"conversation_id", "c-general"}}.dump());
  ASSERT_TRUE(socket->next_where("event", "subscribed"));
  // Bob's REST message, on the kept-alive connection, reaches Alice's socket.
  json message = {{"content", "through the gateway"}};
  ASSERT_TRUE(rest.send(post_request("/api/v1/conversations/c-general/messages", message.dump(),
                                     "Authorization: Bearer " + bob + "\r\nContent-Type: application/json\r\n")));
  auto posted = rest.read();
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->result_int(), 201) << posted->body();
  auto event = socket->next_where("event", "message.new");
  ASSERT_TRUE(event);
  EXPECT_NE(event->find("through the gateway"), std::string::npos);
}

TEST_F(PassThroughDemoTest, OnlyThePrefixesAreExposed) {
  // The callouts' internal endpoints stay behind the gateway.
  RawHttpClient c(port());
  ASSERT_TRUE(c.send(get_request("/internal/tribe/conversations/c-general/participants/u-alice")));
  auto res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 404);
}

}  // namespace
}  // namespace gangway::test
