// The HTTP pass-through when something fails: the backend (502, 504), the
// request (400, 413, 414, 431, 501), and what is not passed (passthrough_stack.hpp).
#include <gtest/gtest.h>

#include <thread>

#include "tests/integration/passthrough_stack.hpp"

namespace gangway::test {
namespace {

class PassThroughFailureTest : public PassThroughTest {};

TEST_F(PassThroughFailureTest, SlowBackendIs504) {
  auto res = once(pt_port_, get_request("/p/slow"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 504);
  EXPECT_FALSE(res->keep_alive());
}

TEST_F(PassThroughFailureTest, BackendThatNeverConnectsIs504) {
  auto res = once(stuck_port_, get_request("/anything"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 504);
}

TEST_F(PassThroughFailureTest, BackendDownIs502) {
  auto res = once(down_port_, get_request("/anything"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 502);
  // A body the backend could not take is not waited for.
  auto post = once(down_port_, post_request("/anything", pattern(100000)));
  ASSERT_TRUE(post);
  EXPECT_EQ(post->result_int(), 502);
}

TEST_F(PassThroughFailureTest, GarbageOrOversizedAnswerIs502) {
  for (const char* path : {"/p/garbage", "/p/bighead"}) {
    auto res = once(pt_port_, get_request(path));
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->result_int(), 502) << path;
  }
}

TEST_F(PassThroughFailureTest, AnswerCutShortClosesTheClientConnection) {
  RawHttpClient c(pt_port_);
  ASSERT_TRUE(c.send(get_request("/p/truncate")));
  EXPECT_FALSE(c.read(5s)) << "a truncated answer must not parse as whole";
}

TEST_F(PassThroughFailureTest, HeaderOverTheLimitIs431AndLineIs414) {
  auto res = once(pt_port_, get_request("/p/echo", "X-Big: " + std::string(10000, 'x') + "\r\n"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 431);
  auto line = once(pt_port_, get_request("/p/echo?" + std::string(10000, 'q')));
  ASSERT_TRUE(line);
  EXPECT_EQ(line->result_int(), 414);
  // The same on a kept-alive connection's second request (read by the pass-through, not the upgrade path).
  RawHttpClient c(pt_port_);
  ASSERT_TRUE(c.send(get_request("/p/echo?first")));
  ASSERT_TRUE(c.read());
  ASSERT_TRUE(c.send(get_request("/p/echo", "X-Big: " + std::string(10000, 'x') + "\r\n")));
  auto second = c.read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->result_int(), 431);
  EXPECT_TRUE(c.closed_within(5s));
}

TEST_F(PassThroughFailureTest, BodyOverTheLimitIs413) {
  // Announced: refused from the header, before any byte of the body.
  auto announced = once(pt_port_, "POST /p/echo?huge HTTP/1.1\r\nHost: gateway.test\r\nContent-Length: 3000000\r\n\r\n");
  ASSERT_TRUE(announced);
  EXPECT_EQ(announced->result_int(), 413);
  EXPECT_TRUE(backend_->last("/p/echo?huge").method.empty()) << "the backend never saw it";
  // Chunked: refused once the chunks pass it.
  RawHttpClient c(pt_port_);
  ASSERT_TRUE(c.send("POST /p/echo?huge-chunked HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string piece = "100000\r\n" + pattern(0x100000) + "\r\n";
  for (int i = 0; i < 3; ++i) c.send(piece, 5s);  // the gateway stops reading at 2 MiB
  auto chunked = c.read();
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->result_int(), 413);
}

TEST_F(PassThroughFailureTest, MalformedRequestsAre400) {
  auto bad_chunk = once(pt_port_,
                        "POST /p/echo HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n");
  ASSERT_TRUE(bad_chunk);
  EXPECT_EQ(bad_chunk->result_int(), 400);
  for (const char* target : {"/p/../internal/x", "/p/%2e%2e/internal/x", "/p/..%2Finternal/x", "/p/.%2e\\internal"}) {
    auto res = once(pt_port_, get_request(target));
    ASSERT_TRUE(res) << target;
    EXPECT_EQ(res->result_int(), 400) << target << " could leave the prefixes";
  }
  auto coding = once(pt_port_, "POST /p/echo HTTP/1.1\r\nHost: gateway.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
  ASSERT_TRUE(coding);
  EXPECT_EQ(coding->result_int(), 501);
}

TEST_F(PassThroughFailureTest, PathsOutsideThePrefixesAreNotPassed) {
  auto outside = once(pt_port_, get_request("/internal/tribe/x"));
  ASSERT_TRUE(outside);
  EXPECT_EQ(outside->result_int(), 404);
  auto route = once(pt_port_, get_request("/api/v1/ws"));
  ASSERT_TRUE(route);
  EXPECT_EQ(route->result_int(), 426) << "a route without an upgrade still goes to the gate";
  EXPECT_TRUE(backend_->last("/internal/tribe/x").method.empty());
}

TEST_F(PassThroughFailureTest, WithoutPassThroughEverythingIs404AsBefore) {
  auto get = once(plain_port_, get_request("/p/echo?plain"));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->result_int(), 404);
  auto post = once(plain_port_, post_request("/p/echo?plain", "x"));
  ASSERT_TRUE(post);
  EXPECT_EQ(post->result_int(), 400);
  EXPECT_TRUE(backend_->last("/p/echo?plain").method.empty());
}

}  // namespace
}  // namespace gangway::test
