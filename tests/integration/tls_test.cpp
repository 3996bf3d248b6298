// wss end to end: the gangway binary with TLS on its app port and mutual TLS
// on its admin port, against a test CA made with the openssl command line,
// real clients (Beast's TLS WebSocket client, cpp-httplib's https client).
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/stack.hpp"
#include "tests/support/test_ca.hpp"

namespace gangway::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// The certificates of the whole suite: a CA the clients trust, another they
// do not, and what each issued.
struct Pki {
  TestCa ca{"Gangway Test CA"};
  TestCa other{"Some Other CA"};
  TestCa::Issued server = ca.issue("gateway.test");
  TestCa::Issued renewed = ca.issue("renewed.gateway.test");
  TestCa::Issued operator_client = ca.issue("operator");
  TestCa::Issued stranger = other.issue("stranger");
  TestCa::Issued impostor = other.issue("gateway.test");  // the right name, the wrong CA

  static Pki& get() {
    static Pki pki;
    return pki;
  }
};

class TlsTest : public SuiteStack<TlsTest> {
 public:
  static json config(const std::string& nats_url, int backend_port) {
    return with_tls(tribe_config(nats_url, backend_port), Pki::get().server.cert_file, Pki::get().server.key_file);
  }

 protected:
  static json with_tls(json c, const std::string& cert, const std::string& key) {
    c["apps"][0]["tls"] = {{"cert_file", cert}, {"key_file", key}};
    c["admin"]["tls"] = {{"cert_file", Pki::get().server.cert_file},
                         {"key_file", Pki::get().server.key_file},
                         {"client_ca_file", Pki::get().ca.ca_file()}};
    return c;
  }
  static ClientTls trusting(const std::string& ca_file = Pki::get().ca.ca_file()) {
    return ClientTls{ca_file, "localhost", "", ""};
  }
  // A tribe socket over TLS, greeted.
  static std::unique_ptr<WsClient> wss_connect(int port, const std::string& token) {
    auto c = std::make_unique<WsClient>(port, "/api/v1/ws?token=" + token, trusting());
    EXPECT_EQ(c->handshake().http_status, 101) << c->handshake().error;
    EXPECT_EQ(c->next(), R"({"event":"connected","message":"WebSocket connection established"})");
    return c;
  }
  static void subscribe(WsClient& c, const std::string& conversation) {
    c.send(json{{"event", "subscribe"}, {"channel", "conversation"}, {"conversation_id", conversation}}.dump());
    EXPECT_EQ(c.next(), R"({"event":"subscribed","conversation_id":")" + conversation + "\"}");
  }
  // GET over https from the admin port, with `client` as the client
  // certificate (none if null): the status, or -1 when the connection failed.
  static std::pair<int, std::string> admin_get(const std::string& path, const TestCa::Issued* client) {
    auto cli = client ? std::make_unique<httplib::SSLClient>("127.0.0.1", gateway_->admin_port(), client->cert_file,
                                                             client->key_file)
                      : std::make_unique<httplib::SSLClient>("127.0.0.1", gateway_->admin_port());
    cli->set_ca_cert_path(Pki::get().ca.ca_file().c_str());
    cli->enable_server_certificate_verification(true);
    cli->set_connection_timeout(5);
    auto res = cli->Get(path.c_str());
    if (!res) return {-1, httplib::to_string(res.error())};
    return {res->status, res->body};
  }
  static bool log_has(GatewayProcess& gw, const std::string& text, std::chrono::milliseconds timeout = 10s) {
    for (auto until = std::chrono::steady_clock::now() + timeout; std::chrono::steady_clock::now() < until;
         std::this_thread::sleep_for(20ms))
      if (gw.log().find(text) != std::string::npos) return true;
    return false;
  }
};

TEST_F(TlsTest, ASocketOpensFramesFlowBothWaysAndAFannedOutEventArrives) {
  auto alice = wss_connect(port(), token("alice"));
  EXPECT_NE(alice->server_certificate().find("CN=gateway.test"), std::string::npos) << alice->server_certificate();
  alice->send(R"({"event":"ping"})");
  EXPECT_EQ(alice->next(), R"({"event":"pong"})");
  subscribe(*alice, "c-general");
  ASSERT_EQ(backend_->post_message(token("bob"), "c-general", "hello over TLS"), 201);
  auto event = alice->next_where("event", "message.new");
  ASSERT_TRUE(event);
  EXPECT_EQ(json::parse(*event)["data"]["content"], "hello over TLS");
}

TEST_F(TlsTest, ARefusedUpgradeIsAnsweredOverTls) {
  WsClient c(port(), "/api/v1/ws?token=garbage", trusting());
  EXPECT_EQ(c.handshake().http_status, 401) << c.handshake().error;
}

TEST_F(TlsTest, AClientThatDoesNotTrustTheCaIsRefused) {
  WsClient c(port(), "/api/v1/ws?token=" + token("alice"), trusting(Pki::get().other.ca_file()));
  EXPECT_EQ(c.handshake().http_status, -1);
  EXPECT_NE(c.handshake().error.find("certificate verify failed"), std::string::npos) << c.handshake().error;
  // The gateway counts the handshakes that fail.
  auto metrics = admin_get("/metrics", &Pki::get().operator_client).second;
  EXPECT_NE(metrics.find(R"(code="tls_handshake")"), std::string::npos) << metrics;
}

TEST_F(TlsTest, APlainClientOnTheTlsPortGetsNoUpgrade) {
  WsClient c(port(), "/api/v1/ws?token=" + token("alice"));
  EXPECT_NE(c.handshake().http_status, 101);
  EXPECT_FALSE(c.open());
  EXPECT_EQ(http_get(port(), "/api/v1/ws").first, -1) << "plain HTTP gets no answer from a TLS port";
}

TEST_F(TlsTest, TheAdminPortRequiresAClientCertificateOfItsCa) {
  auto [status, body] = admin_get("/healthz", &Pki::get().operator_client);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, "ok\n");
  EXPECT_EQ(admin_get("/healthz", nullptr).first, -1) << "no client certificate: the handshake fails";
  EXPECT_EQ(admin_get("/healthz", &Pki::get().stranger).first, -1) << "another CA's certificate";
  EXPECT_EQ(http_get(gateway_->admin_port(), "/healthz").first, -1) << "plain HTTP";
  EXPECT_EQ(admin_get("/healthz", &Pki::get().operator_client).first, 200) << "the port still serves";
}

// SIGHUP with a renewed certificate in place: new handshakes see it, the
// sockets opened before stay open and keep receiving; a reload whose files do
// not fit keeps the renewed one.
TEST_F(TlsTest, SighupServesANewCertificateToNewHandshakesAndKeepsOpenSockets) {
  TempDir dir;
  auto cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
  auto install = [&](const TestCa::Issued& issued) {
    fs::copy_file(issued.cert_file, cert, fs::copy_options::overwrite_existing);
    fs::copy_file(issued.key_file, key, fs::copy_options::overwrite_existing);
  };
  install(Pki::get().server);
  GatewayProcess gw(with_tls(tribe_config(nats_url(), backend_port(), "gw-reload"), cert, key));
  auto before = wss_connect(gw.port(), token("alice"));
  auto serial_before = before->server_certificate();
  subscribe(*before, "c-general");

  install(Pki::get().renewed);
  ASSERT_EQ(::kill(gw.process().pid(), SIGHUP), 0);
  ASSERT_TRUE(log_has(gw, "TLS certificate reloaded")) << gw.log();
  auto after = wss_connect(gw.port(), token("bob"));
  EXPECT_NE(after->server_certificate().find("CN=renewed.gateway.test"), std::string::npos)
      << after->server_certificate();
  EXPECT_NE(after->server_certificate(), serial_before) << "another serial";

  EXPECT_TRUE(before->open());
  ASSERT_EQ(backend_->post_message(token("bob"), "c-general", "after the reload"), 201);
  auto event = before->next_where("event", "message.new");
  ASSERT_TRUE(event) << "the socket opened before the reload still receives";
  EXPECT_EQ(json::parse(*event)["data"]["content"], "after the reload");
  before->send(R"({"event":"ping"})");
  EXPECT_EQ(before->next(), R"({"event":"pong"})");

  // Half a renewal (a certificate without its key): the reload fails, the
  // gateway says why and serves the certificate it had.
  fs::copy_file(Pki::get().impostor.cert_file, cert, fs::copy_options::overwrite_existing);
  ASSERT_EQ(::kill(gw.process().pid(), SIGHUP), 0);
  ASSERT_TRUE(log_has(gw, "TLS certificate not reloaded, keeping the current one")) << gw.log();
  EXPECT_NE(gw.log().find("is not the key of the certificate"), std::string::npos) << gw.log();
  auto later = wss_connect(gw.port(), token("carol"));
  EXPECT_NE(later->server_certificate().find("CN=renewed.gateway.test"), std::string::npos)
      << later->server_certificate();
  EXPECT_TRUE(gw.process().running());
}

// --check-config reads the certificate and key: a key that is not the
// certificate's is an error naming both, and nothing is served.
TEST_F(TlsTest, CheckConfigNamesAKeyThatDoesNotMatch) {
  TempDir dir;
  auto run_check = [&](const json& config) {
    std::ofstream(dir.path() + "/gangway.json") << config.dump(2);
    ChildProcess p({GANGWAY_BIN, "--config", dir.path() + "/gangway.json", "--check-config"}, dir.path() + "/out.log");
    auto status = p.wait(30s);
    std::ifstream in(dir.path() + "/out.log");
    std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return std::make_pair(status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, out);
  };
  auto good = config(nats_url(), backend_port());
  auto [ok_status, ok_out] = run_check(good);
  EXPECT_EQ(ok_status, 0) << ok_out;
  auto bad = good;
  bad["apps"][0]["tls"]["key_file"] = Pki::get().renewed.key_file;
  auto [status, out] = run_check(bad);
  EXPECT_EQ(status, 1);
  EXPECT_NE(out.find("app tribe: tls.key_file: " + Pki::get().renewed.key_file + " is not the key of the certificate in " +
                     Pki::get().server.cert_file),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace gangway::test
