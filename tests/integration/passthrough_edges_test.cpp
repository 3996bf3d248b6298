// The HTTP pass-through's security edges, each sent as a client would send
// it: framing two parsers could read two ways (request smuggling), Host and
// the forwarding fields a client could forge, a backend that hangs up before
// answering, a client that leaves mid-request (passthrough_stack.hpp).
#include <gtest/gtest.h>

#include "tests/integration/passthrough_stack.hpp"

namespace gangway::test {
namespace {

class PassThroughEdgeTest : public PassThroughTest {
 protected:
  // `request` (which must target `target`) on a fresh connection, and as the
  // second request of a kept-alive one (the first is read on the upgrade
  // path, the second by the pass-through's own reader): 400 both times, and
  // neither it nor what it smuggles reaches the backend.
  static void expect_refused(const std::string& target, const std::string& request, unsigned status = 400) {
    auto first = once(pt_port_, request);
    ASSERT_TRUE(first) << target;
    EXPECT_EQ(first->result_int(), status) << target;
    RawHttpClient c(pt_port_);
    ASSERT_TRUE(c.send(get_request("/p/echo?first")));
    ASSERT_TRUE(c.read());
    ASSERT_TRUE(c.send(request));
    auto second = c.read();
    ASSERT_TRUE(second) << target;
    EXPECT_EQ(second->result_int(), status) << target << " kept alive";
    EXPECT_TRUE(c.closed_within(5s));
    EXPECT_FALSE(backend_->started(target)) << target << " reached the backend";
    EXPECT_FALSE(backend_->started("/p/echo?smuggled")) << "smuggled behind " << target;
  }
};

const std::string kSmuggled = "GET /p/echo?smuggled HTTP/1.1\r\nHost: gateway.test\r\n\r\n";

TEST_F(PassThroughEdgeTest, ContentLengthWithChunkedIs400EitherOrder) {
  expect_refused("/p/echo?cl-te", "POST /p/echo?cl-te HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 5\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + kSmuggled);
  expect_refused("/p/echo?te-cl", "POST /p/echo?te-cl HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: chunked\r\n"
                                  "Content-Length: 60\r\n\r\n0\r\n\r\n" + kSmuggled);
}

TEST_F(PassThroughEdgeTest, TwoContentLengthsAre400EvenEqual) {
  expect_refused("/p/echo?cl-cl", "POST /p/echo?cl-cl HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 3\r\n"
                                  "Content-Length: 60\r\n\r\nabc" + kSmuggled);
  expect_refused("/p/echo?cl-same", "POST /p/echo?cl-same HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 3\r\n"
                                    "Content-Length: 3\r\n\r\nabc");
  expect_refused("/p/echo?cl-list", "POST /p/echo?cl-list HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 3, 3\r\n\r\nabc");
}

TEST_F(PassThroughEdgeTest, TransferEncodingThatIsNotChunkedAloneIsRefused) {
  expect_refused("/p/echo?te-te", "POST /p/echo?te-te HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: chunked\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + kSmuggled);
  // Not chunked last: Beast reads no body, a backend could read a chunked one.
  expect_refused("/p/echo?te-identity",
                 "POST /p/echo?te-identity HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
                 "0\r\n\r\n" + kSmuggled,
                 501);
}

TEST_F(PassThroughEdgeTest, HostMissingRepeatedOrNotAnAuthorityIs400) {
  expect_refused("/p/echo?no-host", "GET /p/echo?no-host HTTP/1.1\r\n\r\n");
  expect_refused("/p/echo?two-hosts", "GET /p/echo?two-hosts HTTP/1.1\r\nHost: gateway.test\r\nHost: evil.test\r\n\r\n");
  expect_refused("/p/echo?host-list", "GET /p/echo?host-list HTTP/1.1\r\nHost: gateway.test, evil.test\r\n\r\n");
  expect_refused("/p/echo?host-user", "GET /p/echo?host-user HTTP/1.1\r\nHost: evil.test@gateway.test\r\n\r\n");
  // HTTP/1.0 has no Host to require: the backend's own goes.
  auto old = once(pt_port_, "GET /p/echo?old HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->result_int(), 200);
  EXPECT_EQ(backend_->last("/p/echo?old").header("host"), "127.0.0.1:" + std::to_string(backend_->port()));
}

TEST_F(PassThroughEdgeTest, ClientCannotForgeWhoItIs) {
  auto res = once(pt_port_, get_request("/p/echo?forged",
                                        "X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 7.7.7.7\r\n"
                                        "X-Forwarded-Host: evil.test\r\nX-Forwarded-Proto: https\r\n"
                                        "Forwarded: for=6.6.6.6;proto=https\r\nX-Real-IP: 6.6.6.6\r\n"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  auto seen = backend_->last("/p/echo?forged");
  EXPECT_EQ(seen.header("x-forwarded-for"), "127.0.0.1");
  EXPECT_EQ(seen.header("x-forwarded-host"), "gateway.test");
  EXPECT_EQ(seen.header("x-forwarded-proto"), "http");
  EXPECT_FALSE(seen.has("forwarded"));
  EXPECT_FALSE(seen.has("x-real-ip"));
}

TEST_F(PassThroughEdgeTest, BackendHangingUpBeforeItsAnswerIs502) {
  for (const char* target : {"/p/hangup?get", "/p/halfhead?get"}) {
    auto res = once(pt_port_, get_request(target));
    ASSERT_TRUE(res) << target;
    EXPECT_EQ(res->result_int(), 502) << target;
    EXPECT_TRUE(backend_->started(target));
  }
  auto post = once(pt_port_, post_request("/p/hangup?post", "body"));  // not sent twice: not idempotent
  ASSERT_TRUE(post);
  EXPECT_EQ(post->result_int(), 502);
}

TEST_F(PassThroughEdgeTest, ClientLeavingMidBodyClosesTheBackendConnection) {
  auto c = std::make_unique<RawHttpClient>(patient_port_);
  ASSERT_TRUE(c->send("POST /p/echo?cut HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 100000\r\n\r\n0123456789"));
  ASSERT_TRUE(eventually([] { return backend_->started("/p/echo?cut"); }));
  c.reset();
  // Without the cancellation the backend would wait for the rest for client_timeout_ms (120 s).
  EXPECT_TRUE(eventually([] { return backend_->cut_short("/p/echo?cut"); })) << "the backend still waits for the body";
  EXPECT_TRUE(eventually([] { return metric("gangway_passthrough_in_flight{app=\"patient\"}") == 0; }));
}

TEST_F(PassThroughEdgeTest, ClientLeavingWhileTheBackendThinksEndsTheExchange) {
  const double aborted = metric("gangway_passthrough_aborted_total{app=\"patient\"}");
  auto c = std::make_unique<RawHttpClient>(patient_port_);
  ASSERT_TRUE(c->send(get_request("/p/slow?gone")));
  ASSERT_TRUE(eventually([] { return backend_->started("/p/slow?gone"); }));
  EXPECT_EQ(metric("gangway_passthrough_in_flight{app=\"patient\"}"), 1);
  c.reset();
  // read_timeout_ms is 120 s: only the client's leaving can end it now.
  EXPECT_TRUE(eventually([] { return metric("gangway_passthrough_in_flight{app=\"patient\"}") == 0; }));
  EXPECT_EQ(metric("gangway_passthrough_aborted_total{app=\"patient\"}"), aborted + 1);
  // A client that stays while another leaves is answered as before.
  auto res = once(patient_port_, get_request("/p/echo?stayed"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
}

}  // namespace
}  // namespace gangway::test
