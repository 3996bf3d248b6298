// Callouts over https: the backend's certificate is verified against the
// configured CA bundle (or the system trust store), and a certificate that
// does not verify makes the callout unavailable, never allowed.
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "gateway/backend/callout_client.hpp"
#include "tests/backend/callout_support.hpp"
#include "tests/support/https_server.hpp"

namespace gangway::backend {
namespace {

using Outcome = CalloutResult::Outcome;
using test::call_sync;
using test::HttpsServer;
using test::TestCa;

CalloutSpec participant() {
  CalloutSpec s;
  s.path = "/participant";
  s.allow_pointer = "/participant";
  s.allow_equals = true;
  return s;
}

void answer_participant(const httplib::Request&, httplib::Response& res) {
  res.set_content(R"({"participant":true})", "application/json");
}

class CalloutHttps : public ::testing::Test {
 protected:
  TestCa ca_;
  HttpsServer backend_{ca_.issue("backend"), answer_participant};  // names localhost and 127.0.0.1
};

TEST_F(CalloutHttps, AnswersWhenTheCertificateVerifiesWithTheConfiguredCa) {
  CalloutClient client(backend_.url(), 1, 16, ca_.ca_file());
  auto r = call_sync(client, participant());
  EXPECT_EQ(r.outcome, Outcome::allowed);
  EXPECT_EQ(r.status, 200);
  CalloutClient by_name(backend_.url("localhost"), 1, 16, ca_.ca_file());
  EXPECT_EQ(call_sync(by_name, participant()).outcome, Outcome::allowed);
  EXPECT_EQ(backend_.requests(), 2);
}

TEST_F(CalloutHttps, AnotherCaFailsClosed) {
  TestCa other("Another CA");
  CalloutClient client(backend_.url(), 1, 16, other.ca_file());
  auto r = call_sync(client, participant());
  EXPECT_EQ(r.outcome, Outcome::unavailable);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(backend_.requests(), 0) << "nothing is sent before the certificate verifies";
}

TEST_F(CalloutHttps, WithoutACaFileTheSystemStoreDecidesAndDoesNotKnowTheTestCa) {
  CalloutClient client(backend_.url(), 1);
  EXPECT_EQ(call_sync(client, participant()).outcome, Outcome::unavailable);
  EXPECT_EQ(backend_.requests(), 0);
}

TEST_F(CalloutHttps, ACertificateForAnotherNameFailsClosed) {
  HttpsServer elsewhere(ca_.issue("elsewhere", "DNS:backend.elsewhere.example"), answer_participant);
  CalloutClient client(elsewhere.url(), 1, 16, ca_.ca_file());
  EXPECT_EQ(call_sync(client, participant()).outcome, Outcome::unavailable);
  EXPECT_EQ(elsewhere.requests(), 0);
}

TEST_F(CalloutHttps, AnUnusableCaFileIsAStartupError) {
  test::TempDir dir;
  std::ofstream(dir.path() + "/junk.pem") << "not a certificate\n";
  EXPECT_THROW(CalloutClient(backend_.url(), 1, 16, dir.path() + "/junk.pem"), std::invalid_argument);
  EXPECT_THROW(CalloutClient(backend_.url(), 1, 16, dir.path() + "/missing.pem"), std::invalid_argument);
  EXPECT_THROW(CalloutClient("http://127.0.0.1:1", 1, 16, ca_.ca_file()), std::invalid_argument)
      << "a CA file for a plain-http backend is a mistake";
  try {
    CalloutClient c(backend_.url(), 1, 16, dir.path() + "/junk.pem");
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("holds no PEM certificate"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gangway::backend
