// NatsBus key-value API (cluster-wide presence) against a real nats-server.
#include <algorithm>

#include <gtest/gtest.h>

#include "gateway/bus/nats_bus.hpp"
#include "tests/support/process.hpp"

namespace gangway::bus {
namespace {

using namespace std::chrono_literals;

class NatsKvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NatsOptions o;
    o.url = server_.url();
    std::string error;
    bus_ = NatsBus::create(o, &error);
    ASSERT_TRUE(bus_) << error;
  }

  gangway::test::NatsServer server_;
  std::unique_ptr<NatsBus> bus_;
};

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST_F(NatsKvTest, PutGetKeysDelete) {
  ASSERT_EQ(bus_->ensure_kv_bucket("presence", 0ms), BusError::ok);
  ASSERT_EQ(bus_->ensure_kv_bucket("presence", 0ms), BusError::ok);  // idempotent
  EXPECT_EQ(bus_->kv_put("presence", "app.user.1", "gw-a"), BusError::ok);
  EXPECT_EQ(bus_->kv_put("presence", "app.user.2", "gw-b"), BusError::ok);
  EXPECT_EQ(bus_->kv_put("presence", "other.user.1", "gw-a"), BusError::ok);
  EXPECT_EQ(bus_->kv_put("presence", "app.user.1", "gw-c"), BusError::ok);  // overwrite

  BusError e = BusError::failed;
  EXPECT_EQ(bus_->kv_get("presence", "app.user.1", &e), "gw-c");
  EXPECT_EQ(e, BusError::ok);
  EXPECT_EQ(bus_->kv_get("presence", "app.user.9", &e), std::nullopt);
  EXPECT_EQ(e, BusError::ok);  // absent is not an error

  EXPECT_EQ(sorted(bus_->kv_keys("presence", "app.")), (std::vector<std::string>{"app.user.1", "app.user.2"}));
  EXPECT_EQ(bus_->kv_keys("presence", "").size(), 3u);

  EXPECT_EQ(bus_->kv_delete("presence", "app.user.1"), BusError::ok);
  EXPECT_EQ(bus_->kv_get("presence", "app.user.1", &e), std::nullopt);
  EXPECT_EQ(e, BusError::ok);
  EXPECT_EQ(bus_->kv_keys("presence", "app."), (std::vector<std::string>{"app.user.2"}));
}

TEST_F(NatsKvTest, EmptyAndMissingBuckets) {
  ASSERT_EQ(bus_->ensure_kv_bucket("empty", 0ms), BusError::ok);
  BusError e = BusError::failed;
  EXPECT_TRUE(bus_->kv_keys("empty", "", &e).empty());
  EXPECT_EQ(e, BusError::ok);

  EXPECT_EQ(bus_->kv_get("missing", "k", &e), std::nullopt);
  EXPECT_EQ(e, BusError::rejected);
  EXPECT_EQ(bus_->kv_put("missing", "k", "v"), BusError::rejected);
  EXPECT_EQ(bus_->kv_put("empty", "bad key", "v"), BusError::failed);
}

TEST_F(NatsKvTest, TtlCanChange) {
  ASSERT_EQ(bus_->ensure_kv_bucket("ttl", 1h), BusError::ok);
  ASSERT_EQ(bus_->kv_put("ttl", "k", "v"), BusError::ok);
  ASSERT_EQ(bus_->ensure_kv_bucket("ttl", 2h), BusError::ok);
  EXPECT_EQ(bus_->kv_get("ttl", "k"), "v");  // the bucket kept its data
}

TEST_F(NatsKvTest, AMemoryBucketWorksLikeAFileBucket) {
  ASSERT_EQ(bus_->ensure_kv_bucket("mem", 1h, NatsBus::KvStorage::memory), BusError::ok);
  ASSERT_EQ(bus_->ensure_kv_bucket("mem", 1h, NatsBus::KvStorage::memory), BusError::ok);  // idempotent
  ASSERT_EQ(bus_->kv_put("mem", "k", "v"), BusError::ok);
  EXPECT_EQ(bus_->kv_get("mem", "k"), "v");
}

// A gateway upgraded from file-backed presence finds the old bucket: it keeps
// its storage (nats-server cannot change it) and its data, and is used as is.
TEST_F(NatsKvTest, AnExistingBucketKeepsItsStorage) {
  ASSERT_EQ(bus_->ensure_kv_bucket("old", 1h, NatsBus::KvStorage::file), BusError::ok);
  ASSERT_EQ(bus_->kv_put("old", "k", "v"), BusError::ok);
  ASSERT_EQ(bus_->ensure_kv_bucket("old", 1h, NatsBus::KvStorage::memory), BusError::ok);
  EXPECT_EQ(bus_->kv_get("old", "k"), "v");
}

}  // namespace
}  // namespace gangway::bus
