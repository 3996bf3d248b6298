// How each dialect says that the gateway ended a socket (docs/dialects.md,
// "Close/error codes"): circles' 4401, 1008 where a seed has no close codes,
// and winkr's connection:closed naming the ending.
#include <gtest/gtest.h>

#include "adapters/registry.hpp"
#include "adapters/winkr/winkr_adapter.hpp"

namespace gangway {
namespace {

CloseFrame ending(std::string_view dialect, Ending why, std::string_view detail = {}) {
  return make_adapter(dialect)->close_for(why, detail);
}

TEST(Endings, EveryDialectHasACloseForAnExpiredTokenAndADisconnect) {
  for (auto dialect : dialect_names()) {
    for (Ending why : {Ending::token_expired, Ending::disconnected}) {
      CloseFrame f = ending(dialect, why);
      EXPECT_TRUE(f.code == 1008 || (f.code >= 4000 && f.code <= 4999)) << dialect << ": " << f.code;
      EXPECT_FALSE(f.reason.empty()) << dialect;
      EXPECT_LE(f.reason.size(), 123u) << dialect;
    }
  }
}

TEST(Endings, CirclesUsesItsSeedsUnauthorizedCode) {
  EXPECT_EQ(ending("circles", Ending::token_expired).code, 4401);
  EXPECT_EQ(ending("circles", Ending::token_expired).reason, "Token expired");
  EXPECT_EQ(ending("circles", Ending::disconnected, "logout").code, 4401);
  EXPECT_EQ(ending("circles", Ending::disconnected, "logout").reason, "logout");
}

TEST(Endings, SeedsWithoutCloseCodesUse1008WithTheReason) {
  for (std::string_view dialect : {"tribe", "pythia", "social"}) {
    EXPECT_EQ(ending(dialect, Ending::token_expired).code, 1008) << dialect;
    EXPECT_EQ(ending(dialect, Ending::token_expired).reason, "Token expired") << dialect;
    EXPECT_EQ(ending(dialect, Ending::disconnected).reason, "Disconnected") << dialect;
    EXPECT_EQ(ending(dialect, Ending::disconnected, "banned").reason, "banned") << dialect;
  }
}

TEST(Endings, WinkrsConnectionClosedNamesTheEnding) {
  adapters::WinkrAdapter winkr;
  for (auto [why, name] : {std::pair{Ending::token_expired, "token_expired"}, std::pair{Ending::disconnected, "disconnected"}}) {
    CloseFrame f = winkr.close_for(why, "logout");
    EXPECT_EQ(f.code, 1008);
    auto frame = Json::parse(winkr.encode_close(f.code, f.reason).value());
    EXPECT_EQ(frame["event"], "connection:closed");
    EXPECT_EQ(frame["data"]["reason"], name);
    EXPECT_EQ(frame["data"]["code"], 1008);
  }
  EXPECT_EQ(Json::parse(winkr.encode_close(1008, "slow consumer").value())["data"]["reason"], "policy_violation")
      << "other 1008 closes keep the code's name";
}

}  // namespace
}  // namespace gangway
