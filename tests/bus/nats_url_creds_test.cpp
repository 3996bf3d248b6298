// The pieces of NATS security that need no server: URL lists (hosts for the
// TLS name check, masking user info) and the .creds format.
#include <gtest/gtest.h>

#include "gateway/bus/nats_creds.hpp"
#include "gateway/bus/nats_url.hpp"

namespace gangway::bus {
namespace {

using Hosts = std::vector<std::string>;

TEST(NatsUrl, HostsOfEachServer) {
  EXPECT_EQ(nats_url_hosts("nats://127.0.0.1:4222"), Hosts{"127.0.0.1"});
  EXPECT_EQ(nats_url_hosts("tls://u:p@nats-0.nats:4222, nats://tok@nats-1.nats"), (Hosts{"nats-0.nats", "nats-1.nats"}));
  EXPECT_EQ(nats_url_hosts("nats://[::1]:4222"), Hosts{"::1"});
  EXPECT_EQ(nats_url_hosts("localhost:4222"), Hosts{"localhost"});
  EXPECT_EQ(nats_url_hosts(",,"), Hosts{});
}

TEST(NatsUrl, UserInfoIsMasked) {
  EXPECT_EQ(redact_nats_url("nats://gw:hunter2@127.0.0.1:4222"), "nats://***@127.0.0.1:4222");
  EXPECT_EQ(redact_nats_url("nats://s3cr3t-token@h:1,tls://h2:2"), "nats://***@h:1,tls://h2:2");
  EXPECT_EQ(redact_nats_url("nats://a:b@c@h:1/path"), "nats://***@h:1/path") << "the last @ ends the user info";
  EXPECT_EQ(redact_nats_url("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
}

const char* kSeed = "SUAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY";  // shape only: 58 base32 characters

std::string creds(const std::string& jwt, const std::string& seed) {
  return "-----BEGIN NATS USER JWT-----\n" + jwt + "\n------END NATS USER JWT------\n\n"
         "************************* IMPORTANT *************************\n\n"
         "-----BEGIN USER NKEY SEED-----\n" + seed + "\n------END USER NKEY SEED------\n";
}

TEST(NatsCreds, ReadsTheJwtAndTheSeed) {
  std::string error;
  auto c = parse_creds(creds("eyJ0.eyJz.sig", kSeed), &error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->jwt, "eyJ0.eyJz.sig");
  EXPECT_EQ(c->seed, kSeed);
  auto crlf = parse_creds("-----BEGIN NATS USER JWT-----\r\n\r\n a.b.c \r\n------END NATS USER JWT------\r\n"
                          "-----BEGIN USER NKEY SEED-----\r\n" + std::string(kSeed) + "\r\n",
                          &error);
  ASSERT_TRUE(crlf) << error;
  EXPECT_EQ(crlf->jwt, "a.b.c");
}

TEST(NatsCreds, RefusesWhatIsNotACredentialsFile) {
  struct Case {
    std::string text;
    const char* expect;
    std::string seed = kSeed;  // must not appear in the error
  };
  const Case cases[] = {
      {"", "no user JWT"},
      {creds("", kSeed), "no user JWT"},
      {creds("not-a-jwt", kSeed), "not a JWT"},
      {"-----BEGIN NATS USER JWT-----\na.b.c\n------END NATS USER JWT------\n", "no user seed"},
      {creds("a.b.c", "SAAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY"), "not a user NKey seed",
       "SAAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY"},
      {creds("a.b.c", "SU-too-short"), "not a user NKey seed", "SU-too-short"},
  };
  for (const auto& c : cases) {
    std::string error;
    EXPECT_FALSE(parse_creds(c.text, &error)) << c.text;
    EXPECT_NE(error.find(c.expect), std::string::npos) << error;
    EXPECT_EQ(error.find(c.seed), std::string::npos) << "the error never quotes the seed: " << error;
  }
}

TEST(NatsCreds, SeedFilesAndPublicKeys) {
  EXPECT_TRUE(holds_user_seed(std::string(kSeed) + "\n"));
  EXPECT_TRUE(holds_user_seed(creds("a.b.c", kSeed)));
  EXPECT_FALSE(holds_user_seed("UAPUBLICKEY\n"));
  EXPECT_TRUE(looks_like_user_nkey("UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"));
  EXPECT_FALSE(looks_like_user_nkey("ADXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4")) << "an account key";
  EXPECT_FALSE(looks_like_user_nkey("UDXU4"));
}

}  // namespace
}  // namespace gangway::bus
