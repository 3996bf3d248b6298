// What each dialect tells the core about its callouts and its stored
// messages' sender: the parameters it passes (for --check-config) and where
// and how a stored message's event shows the sender profile.
#include <gtest/gtest.h>

#include "adapters/registry.hpp"

namespace gangway::adapters {
namespace {

std::unique_ptr<const Adapter> make(std::string_view dialect) { return std::move(*find_dialect(dialect)->make(Json())); }

const Json kProfile{{"id", "8"}, {"name", "Maya Patel"}, {"username", "maya"}, {"avatar_url", "https://a/8.png"}};

TEST(SenderField, CirclesShowsSenderInfoWithANumericId) {
  auto field = make("circles")->sender_field("message", kProfile);
  ASSERT_TRUE(field);
  EXPECT_EQ(field->pointer, "/sender_info");
  EXPECT_EQ(field->value, (Json{{"id", 8}, {"name", "Maya Patel"}, {"avatar_url", "https://a/8.png"}}));
  EXPECT_FALSE(make("circles")->sender_field("read_receipt", kProfile));
}

TEST(SenderField, WinkrShowsTheSenderOfMessageNew) {
  auto field = make("winkr")->sender_field("message:new", kProfile);
  ASSERT_TRUE(field);
  EXPECT_EQ(field->pointer, "/sender");
  EXPECT_EQ(field->value, (Json{{"id", "8"}, {"username", "maya"}, {"avatar_url", "https://a/8.png"}}));
  Json nameless = kProfile;
  nameless["username"] = "";
  EXPECT_EQ(make("winkr")->sender_field("message:new", nameless)->value["username"], "8") << "as typing:indicator does";
  EXPECT_FALSE(make("winkr")->sender_field("message:viewed", kProfile));
}

TEST(SenderField, TheOthersShowNone) {
  for (auto dialect : {"tribe", "pythia", "social"}) EXPECT_FALSE(make(dialect)->sender_field("message", kProfile));
}

TEST(CalloutParams, EachDialectNamesWhatItPasses) {
  EXPECT_EQ(make("tribe")->callout_params("conversation_participant"), std::vector<std::string>{"conversation_id"});
  EXPECT_EQ(make("winkr")->callout_params("conversation_access"), std::vector<std::string>{"conversation_id"});
  EXPECT_EQ(make("pythia")->callout_params("channel_access"), std::vector<std::string>{"channel_id"});
  EXPECT_TRUE(make("pythia")->callout_params("user_channels").empty());
  EXPECT_EQ(make("social")->callout_params("group_member"), std::vector<std::string>{"group_id"});
  // thread_id and place_id are the routes' parameters, which fill every callout anyway.
  EXPECT_EQ(make("circles")->callout_params("place_checkin"), std::vector<std::string>{"window_hours"});
  EXPECT_TRUE(make("circles")->callout_params("dm_access").empty());
  EXPECT_TRUE(make("circles")->callout_params("store_message").empty());
}

}  // namespace
}  // namespace gangway::adapters
