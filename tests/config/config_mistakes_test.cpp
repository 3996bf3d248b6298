// The mistakes --check-config must catch in the file itself, each with the
// message an operator reads: unknown keys (with the key meant), malformed
// ports, JSON syntax errors with their line and column, short HS256 secrets,
// and secrets whose environment variables are not set where the check runs.
#include <gtest/gtest.h>

#include "gateway/config/config.hpp"

namespace gangway {
namespace {

constexpr const char* kSecret = "config-mistakes-secret-0123456789abcdef";

Json minimal() {
  Json j = Json::parse(R"({
    "gateway_id": "gw-1",
    "apps": [{"name": "tribe", "dialect": "tribe", "listen": "127.0.0.1:8000", "routes": ["/api/v1/ws"],
              "jwt": {"keys": [{"alg": "HS256"}]},
              "backend": {"url": "http://127.0.0.1:8001"},
              "callouts": {"conversation_participant": {"path": "/p/{conversation_id}/{user_id}"}},
              "limits": {"max_frame_bytes": 4096, "rates": {"message": [[30, 60]]}},
              "options": {"window_hours": 6}}]
  })");
  j["apps"][0]["jwt"]["keys"][0]["secret"] = kSecret;
  return j;
}

std::string error_of(const Json& j) {
  auto r = parse_config(j.dump(2));
  return r ? std::string("(accepted)") : r.error();
}

TEST(ConfigMistakes, AnUnknownKeyIsNamedWithTheKeyMeant) {
  Json j = minimal();
  j["apps"][0]["limtis"] = {{"max_frame_bytes", 1024}};
  EXPECT_EQ(error_of(j), "config.apps[0].limtis: unknown key; did you mean limits?");
}

TEST(ConfigMistakes, UnknownKeysAreFoundAtEveryLevelAndAllAtOnce) {
  Json j = minimal();
  j["treads"] = 2;
  j["apps"][0]["jwt"]["keys"][0]["secert_env"] = "X";
  j["apps"][0]["callouts"]["conversation_participant"]["timeout"] = 100;
  j["apps"][0]["limits"]["max_frame_byte"] = 100;
  j["apps"][0]["backend"]["zzzzzzzz"] = 1;
  auto error = error_of(j);
  for (const char* expected : {
           "config.treads: unknown key; did you mean threads?",
           "config.apps[0].jwt.keys[0].secert_env: unknown key; did you mean secret_env?",
           "config.apps[0].callouts.conversation_participant.timeout: unknown key; did you mean timeout_ms?",
           "config.apps[0].limits.max_frame_byte: unknown key; did you mean max_frame_bytes?",
       })
    EXPECT_NE(error.find(expected), std::string::npos) << expected << " in:\n" << error;
  // Nothing near enough: no guess.
  EXPECT_NE(error.find("config.apps[0].backend.zzzzzzzz: unknown key\n"), std::string::npos) << error;
}

TEST(ConfigMistakes, NamesTheConfigChoosesAndValuesTakenWholeAreNoKeys) {
  Json j = minimal();
  j["apps"][0]["callouts"]["any_name_at_all"] = {{"path", "/x/{user_id}"}};
  j["apps"][0]["limits"]["rates"]["whatever_kind"] = Json::parse("[[1, 1]]");
  j["apps"][0]["options"] = {{"window_hours", 6}};  // the dialect's to check
  j["apps"][0]["callouts"]["conversation_participant"]["allow_equals"] = {{"any", {{"shape", 1}}}};
  j["nats"] = {{"tls", true}, {"url", "nats://127.0.0.1:4222"}};
  auto r = parse_config(j.dump());
  EXPECT_TRUE(r) << r.error();
}

// A socket's frames waiting behind its action in flight: a count, neither
// zero (nothing could ever wait) nor so large that a socket could hold a
// crowd's worth of frames.
TEST(ConfigMistakes, MaxQueuedFramesMustBeACountOfOneTo4096) {
  for (const Json& bad : {Json(0), Json(-1), Json(4097), Json("64")}) {
    Json j = minimal();
    j["apps"][0]["limits"]["max_queued_frames"] = bad;
    EXPECT_NE(error_of(j).find("config.apps[0].limits.max_queued_frames"), std::string::npos)
        << bad << ": " << error_of(j);
  }
  Json j = minimal();
  j["apps"][0]["limits"]["max_queued_frames"] = -1;
  EXPECT_EQ(error_of(j), "config.apps[0].limits.max_queued_frames must be 1 to 4096 (it is -1)");
  j["apps"][0]["limits"]["max_queued_frames"] = 4096;
  EXPECT_EQ(error_of(j), "(accepted)");
}

TEST(ConfigMistakes, AMalformedPortIsRefusedNotTruncated) {
  for (const char* listen : {"127.0.0.1:1900x", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1: 80",
                             "127.0.0.1:123456", ":8000"}) {
    Json j = minimal();
    j["apps"][0]["listen"] = listen;
    auto error = error_of(j);
    EXPECT_NE(error.find("config.apps[0].listen"), std::string::npos) << listen << ": " << error;
  }
  Json j = minimal();
  j["apps"][0]["listen"] = "127.0.0.1:1900x";
  EXPECT_EQ(error_of(j), "config.apps[0].listen: '127.0.0.1:1900x' has a malformed port (want 0 to 65535)");
  j["apps"][0]["listen"] = "127.0.0.1:0";  // any free port: the tests' way
  EXPECT_TRUE(parse_config(j.dump()));
  j["admin"] = {{"listen", "127.0.0.1:91OO"}};
  EXPECT_NE(error_of(j).find("config.admin.listen: '127.0.0.1:91OO' has a malformed port"), std::string::npos);
}

TEST(ConfigMistakes, AJsonSyntaxErrorSaysWhereItIs) {
  // Line 3, column 14: the "}" where a value should be.
  auto r = parse_config("{\n  \"gateway_id\": \"gw-1\",\n  \"threads\": }\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rfind("config is not valid JSON: line 3, column 14: ", 0), 0u) << r.error();
  EXPECT_NE(r.error().find("unexpected '}'"), std::string::npos) << r.error();
  // A missing comma between two members, on line 2: where the parser stopped,
  // the end of the token it did not expect ("b").
  r = parse_config("{\"a\": 1\n \"b\": 2}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "config is not valid JSON: line 2, column 4: syntax error while parsing object - unexpected "
                       "string literal; expected '}'");
  // Cut short.
  r = parse_config("{\"apps\": [");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rfind("config is not valid JSON: line 1, column 11: ", 0), 0u) << r.error();
  // Valid JSON, but not an object.
  r = parse_config("[1, 2]");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "config is not a JSON object");
}

TEST(ConfigMistakes, AnHs256SecretUnder32BytesIsRefused) {
  Json j = minimal();
  j["apps"][0]["jwt"]["keys"][0]["secret"] = "short";
  EXPECT_EQ(error_of(j),
            "config.apps[0].jwt.keys[0]: an HS256 secret needs at least 32 bytes (RFC 7518, 3.2); this one has 5");
  EXPECT_EQ(error_of(j).find("short"), std::string::npos) << "the secret is never quoted";
  j["apps"][0]["jwt"]["keys"][0]["secret"] = std::string(31, 'x');
  EXPECT_NE(error_of(j).find("this one has 31"), std::string::npos);
  j["apps"][0]["jwt"]["keys"][0]["secret"] = std::string(32, 'x');
  EXPECT_TRUE(parse_config(j.dump()));
  // From the environment too, where it is only known at start.
  setenv("GANGWAY_TEST_SHORT_SECRET", "0123456789", 1);
  j["apps"][0]["jwt"]["keys"][0] = {{"alg", "HS256"}, {"secret_env", "GANGWAY_TEST_SHORT_SECRET"}};
  EXPECT_NE(error_of(j).find("this one has 10"), std::string::npos) << error_of(j);
  unsetenv("GANGWAY_TEST_SHORT_SECRET");
}

TEST(ConfigMistakes, AKeyTakesOneSourceOfMaterial) {
  Json j = minimal();
  j["apps"][0]["jwt"]["keys"][0]["secret_env"] = "GANGWAY_TEST_ANY";
  EXPECT_EQ(error_of(j), "config.apps[0].jwt.keys[0]: set only one of secret, secret_env, public_key, public_key_file");
}

TEST(ConfigMistakes, UnsetSecretVariablesAreListedWhenDeferredAndFatalOtherwise) {
  unsetenv("GANGWAY_TEST_UNSET_JWT");
  unsetenv("GANGWAY_TEST_UNSET_NATS");
  Json j = minimal();
  j["apps"][0]["jwt"]["keys"][0] = {{"alg", "HS256"}, {"secret_env", "GANGWAY_TEST_UNSET_JWT"}};
  j["nats"] = {{"token_env", "GANGWAY_TEST_UNSET_NATS"}};
  auto required = parse_config(j.dump());  // nats is read first
  ASSERT_FALSE(required);
  EXPECT_EQ(required.error(), "config.nats.token_env: environment variable GANGWAY_TEST_UNSET_NATS is not set");

  auto deferred = parse_config(j.dump(), Secrets::deferred);
  ASSERT_TRUE(deferred) << deferred.error();
  ASSERT_EQ(deferred->unset_env.size(), 2u);
  EXPECT_EQ(deferred->unset_env[0].variable, "GANGWAY_TEST_UNSET_NATS");
  EXPECT_EQ(deferred->unset_env[0].key, "config.nats.token_env");
  EXPECT_EQ(deferred->unset_env[1].variable, "GANGWAY_TEST_UNSET_JWT");
  EXPECT_EQ(deferred->unset_env[1].key, "config.apps[0].jwt.keys[0].secret_env");
  EXPECT_TRUE(deferred->apps[0].jwt.keys[0].material.empty());

  // Set, they are read and checked as at start.
  setenv("GANGWAY_TEST_UNSET_JWT", "tiny", 1);
  auto checked = parse_config(j.dump(), Secrets::deferred);
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().find("this one has 4"), std::string::npos) << checked.error();
  unsetenv("GANGWAY_TEST_UNSET_JWT");
}

// The parser's own list of keys, the documentation test's source.
TEST(ConfigMistakes, AcceptedKeysAreTheKeysTheParserLooksUp) {
  auto keys = accepted_config_keys(minimal().dump());
  EXPECT_TRUE(keys.error.empty()) << keys.error;
  for (const char* key : {"gateway_id", "threads", "apps[].name", "apps[].limits", "apps[].limits.max_frame_bytes",
                          "apps[].limits.rates.*", "apps[].jwt.keys[].secret_env", "apps[].callouts.*.path",
                          "apps[].callouts.*.timeout_ms", "apps[].backend.url", "apps[].backend.breaker"})
    EXPECT_TRUE(keys.keys.count(key)) << key;
  EXPECT_FALSE(keys.keys.count("apps[].callouts.conversation_participant")) << "a name, not a key";
  EXPECT_FALSE(keys.keys.count("apps[].options.window_hours")) << "the dialect's, not the parser's";
  // Sections the minimal config lacks: their keys cannot be known from it.
  EXPECT_TRUE(keys.absent_sections.count("apps[].backend.breaker"));
  EXPECT_TRUE(keys.absent_sections.count("nats"));
  EXPECT_FALSE(keys.absent_sections.count("apps[].limits"));
}

}  // namespace
}  // namespace gangway
