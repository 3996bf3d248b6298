// permessage-deflate (RFC 7692) end to end, seen on the wire: which frames go
// out compressed, that clients read them back, that a client's compressed
// frames are read, and what broken or oversized compressed input gets.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/stack.hpp"
#include "tests/support/raw_ws_client.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;

class TribeDeflateTest : public SuiteStack<TribeDeflateTest> {
 public:
  static nlohmann::json config(const std::string& nats_url, int backend_port) {
    auto c = tribe_config(nats_url, backend_port);
    // Frames under 512 bytes (the greeting, a short chat message) stay plain; a long one is compressed.
    c["apps"][0]["permessage_deflate"] = {{"enabled", true}, {"min_bytes", 512}};
    return c;
  }

 protected:
  // Upgraded, greeted and subscribed to `conversation`, offering `extensions`.
  static std::unique_ptr<RawWsClient> connect(const std::string& user, const std::string& extensions,
                                              const std::string& conversation = "c-general") {
    auto c = std::make_unique<RawWsClient>(port(), "/api/v1/ws?token=" + token(user), extensions);
    EXPECT_EQ(c->http_status(), 101);
    auto hello = c->next();
    EXPECT_TRUE(hello && !hello->compressed);
    if (hello) {
      EXPECT_EQ(hello->text(), R"({"event":"connected","message":"WebSocket connection established"})");
    }
    c->send_text(json{{"event", "subscribe"}, {"channel", "conversation"}, {"conversation_id", conversation}}.dump());
    auto subscribed = c->next();
    EXPECT_TRUE(subscribed);
    if (subscribed) {
      EXPECT_EQ(subscribed->text(), R"({"event":"subscribed","conversation_id":")" + conversation + "\"}");
    }
    return c;
  }

  static std::string long_text() {
    std::string text;
    for (int i = 0; i < 30; ++i) text += "see you at the standup tomorrow, bring the numbers ";
    return text;
  }

  // The next message.new frame's content (frames of other events are skipped).
  static std::optional<std::pair<RawFrame, std::string>> next_message(RawWsClient& c) {
    for (int i = 0; i < 10; ++i) {
      auto f = c.next();
      if (!f) return std::nullopt;
      auto j = json::parse(f->text(), nullptr, false);
      if (j.is_object() && j.value("event", "") == "message.new")
        return std::make_pair(*f, j["data"]["content"].get<std::string>());
    }
    return std::nullopt;
  }
};

TEST_F(TribeDeflateTest, ABigEventGoesOutCompressedToClientsThatOfferedIt) {
  auto offered = connect("alice", "permessage-deflate; client_max_window_bits");
  EXPECT_NE(offered->extensions().find("permessage-deflate"), std::string::npos) << offered->extensions();
  EXPECT_NE(offered->extensions().find("server_no_context_takeover"), std::string::npos)
      << "each message must be compressed alone for the bytes to be shared";
  EXPECT_NE(offered->extensions().find("client_max_window_bits=9"), std::string::npos)
      << "the window kept for the client's messages: 512 bytes where the client lets the server choose";
  auto plain = connect("carol", "");
  EXPECT_EQ(plain->extensions(), "");

  auto bob = token("bob");
  ASSERT_EQ(backend_->post_message(bob, "c-general", long_text()), 201);
  auto got = next_message(*offered);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->first.compressed);
  EXPECT_LT(got->first.payload.size(), long_text().size() / 4);
  EXPECT_EQ(got->second, long_text());
  auto same = next_message(*plain);
  ASSERT_TRUE(same);
  EXPECT_FALSE(same->first.compressed) << "a client that did not offer the extension gets plain frames";
  EXPECT_EQ(same->second, long_text());

  // A small event (~250 bytes) stays plain even for the compressed socket.
  ASSERT_EQ(backend_->post_message(bob, "c-general", "ok"), 201);
  auto small = next_message(*offered);
  ASSERT_TRUE(small);
  EXPECT_FALSE(small->first.compressed);
  EXPECT_EQ(small->second, "ok");
}

TEST_F(TribeDeflateTest, AClientThatLimitsTheServersWindowGetsPlainFrames) {
  // The shared bytes use a 32 KiB window; 10 bits is agreed but not used.
  auto c = connect("alice", "permessage-deflate; server_max_window_bits=10", "c-ab");
  EXPECT_NE(c->extensions().find("server_max_window_bits=10"), std::string::npos) << c->extensions();
  ASSERT_EQ(backend_->post_message(token("bob"), "c-ab", long_text()), 201);
  auto got = next_message(*c);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->first.compressed);
  EXPECT_EQ(got->second, long_text());
}

TEST_F(TribeDeflateTest, AClientsCompressedFramesAreRead) {
  auto c = connect("alice", "permessage-deflate");
  c->send_text(R"({"event":"ping"})", true);
  auto pong = c->next();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->text(), R"({"event":"pong"})");
}

TEST_F(TribeDeflateTest, BrokenCompressedDataClosesThatSocketAndOthersStay) {
  auto bystander = connect("carol", "permessage-deflate");
  auto c = connect("alice", "permessage-deflate");
  c->send_frame(1, std::string("\xff\xfe\xfd\xfc\xfb not deflate at all", 24), true);
  // Failing the connection (RFC 7692 8): a close frame if any, then the TCP close.
  for (auto f = c->next(); f; f = c->next()) {
    if (f->opcode == 8) EXPECT_NE(f->close_code(), 1000);
    else ADD_FAILURE() << "a frame after broken input: " << f->text();
  }
  bystander->send_text(R"({"event":"ping"})");
  auto pong = bystander->next();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->text(), R"({"event":"pong"})");
}

TEST_F(TribeDeflateTest, AFrameThatInflatesPastTheLimitIsRefusedWith1009) {
  auto c = connect("alice", "permessage-deflate");
  // ~1 KiB on the wire, 1 MiB once inflated: the frame limit counts the inflated size.
  std::string bomb = R"({"event":"ping","pad":")" + std::string(1 << 20, ' ') + "\"}";
  c->send_text(bomb, true);
  auto f = c->next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->opcode, 8);
  EXPECT_EQ(f->close_code(), 1009);
}

TEST_F(TribeDeflateTest, ACompressedFrameWithoutTheExtensionIsAProtocolError) {
  auto c = connect("alice", "");
  c->send_text(R"({"event":"ping"})", true);  // RSV1 set, nothing negotiated
  auto f = c->next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->opcode, 8);
  EXPECT_EQ(f->close_code(), 1002);
}

}  // namespace
}  // namespace gangway::test
