// The load tool's frame reader: what it counts is what the benchmark reports,
// so it must see every message whole however the bytes are chunked, and read
// the gateway's own compressed frames.
#include "tests/bench/ws_frames.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "gateway/fanout/frame.hpp"

namespace gangway::bench {
namespace {

// A server frame: unmasked, FIN and RSV1 as given.
std::string server_frame(int opcode, std::string_view payload, bool fin = true, bool rsv1 = false) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode));
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(payload.size()));
  } else if (payload.size() <= 0xffff) {
    out.push_back(static_cast<char>(126));
    for (int shift = 8; shift >= 0; shift -= 8) out.push_back(static_cast<char>(payload.size() >> shift));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>(static_cast<std::uint64_t>(payload.size()) >> shift));
  }
  out.append(payload);
  return out;
}

using Seen = std::vector<std::pair<int, std::string>>;

// Feeds `wire` in chunks of `chunk` bytes and returns what the reader saw.
Seen read_in_chunks(FrameReader& reader, const std::string& wire, std::size_t chunk) {
  Seen seen;
  for (std::size_t at = 0; at < wire.size(); at += chunk) {
    bool ok = reader.feed(std::string_view(wire).substr(at, chunk),
                          [&](int opcode, std::string_view payload) { seen.emplace_back(opcode, payload); });
    EXPECT_TRUE(ok) << reader.error();
  }
  return seen;
}

TEST(FrameReaderTest, MessagesOfEveryHeaderSizeArriveWholeInAnyChunking) {
  Seen sent = {{kText, "short"}, {kText, std::string(300, 'm')}, {kText, std::string(70'000, 'l')}, {kText, ""}};
  std::string wire;
  for (const auto& [opcode, payload] : sent) wire += server_frame(opcode, payload);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, wire.size()}) {
    FrameReader reader;
    EXPECT_EQ(read_in_chunks(reader, wire, chunk), sent) << "chunks of " << chunk;
  }
}

TEST(FrameReaderTest, FragmentsAreReassembledAroundAPing) {
  std::string wire = server_frame(kText, "hel", false) + server_frame(kPing, "p") +
                     server_frame(kContinuation, "lo ", false) + server_frame(kContinuation, "world");
  FrameReader reader;
  EXPECT_EQ(read_in_chunks(reader, wire, 3), (Seen{{kPing, "p"}, {kText, "hello world"}}));
}

TEST(FrameReaderTest, InflatesTheGatewaysCompressedMessages) {
  std::string first(2'000, 'a'), second = "the second message, compressed on its own";
  std::string wire = server_frame(kText, deflate_message(first, 6), true, true) + server_frame(kText, "plain") +
                     server_frame(kText, deflate_message(second, 6), true, true);
  FrameReader reader;
  reader.enable_inflate(/*reset_each_message=*/true);
  EXPECT_EQ(read_in_chunks(reader, wire, 5), (Seen{{kText, first}, {kText, "plain"}, {kText, second}}));
}

TEST(FrameReaderTest, RefusesACompressedFrameWithoutTheExtension) {
  FrameReader reader;
  bool ok = reader.feed(server_frame(kText, deflate_message("text", 6), true, true), [](int, std::string_view) {});
  EXPECT_FALSE(ok);
  EXPECT_EQ(reader.error(), "compressed frame without permessage-deflate");
}

TEST(FrameReaderTest, RefusesAMaskedFrame) {
  FrameReader reader;
  EXPECT_FALSE(reader.feed(client_frame(kText, "masked", 0x01020304), [](int, std::string_view) {}));
  EXPECT_EQ(reader.error(), "masked frame from the server");
}

TEST(FrameReaderTest, CloseCodesRoundTrip) {
  EXPECT_EQ(close_code(close_payload(1000)), 1000);
  EXPECT_EQ(close_code(close_payload(4401)), 4401);
  EXPECT_EQ(close_code(""), 1005);
}

}  // namespace
}  // namespace gangway::bench
