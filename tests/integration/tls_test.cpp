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
#include "tests/support/tls_probe.hpp"
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
  // POST `body` (JSON) over https to the admin port, with `client`'s certificate.
  static std::pair<int, std::string> admin_post(const std::string& path, const json& body,
                                                const TestCa::Issued& client) {
    httplib::SSLClient cli("127.0.0.1", gateway_->admin_port(), client.cert_file, client.key_file);
    cli.set_ca_cert_path(Pki::get().ca.ca_file().c_str());
    cli.enable_server_certificate_verification(true);
    cli.set_connection_timeout(5);
    auto res = cli.Post(path.c_str(), body.dump(), "application/json");
    if (!res) return {-1, httplib::to_string(res.error())};
    return {res->status, res->body};
  }
  // gangway_errors_total{app="tribe",code=<code>}, 0 while absent.
  static long errors(const std::string& code) {
    auto metrics = admin_get("/metrics", &Pki::get().operator_client).second;
    auto key = R"(gangway_errors_total{app="tribe",code=")" + code + "\"} ";
    auto at = metrics.find(key);
    return at == std::string::npos ? 0 : std::stol(metrics.substr(at + key.size()));
  }
  // Polls errors(code) until it reaches `expected` (up to 10 s); its last value.
  static long wait_errors(const std::string& code, long expected) {
    long n = errors(code);
    for (auto until = std::chrono::steady_clock::now() + 10s; n < expected && std::chrono::steady_clock::now() < until;
         std::this_thread::sleep_for(20ms))
      n = errors(code);
    return n;
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

// A ws:// client on the wss:// port: its upgrade request, as it sends it,
// gets a plain-HTTP 400 that says what is wrong, and is counted.
TEST_F(TlsTest, APlainWsClientOnTheTlsPortIsToldToUseWssAndCounted) {
  auto before = errors("tls_plain_http");
  auto answer = raw_exchange(port(), "GET /api/v1/ws?token=" + token("alice") +
                                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                         "Sec-WebSocket-Version: 13\r\n\r\n");
  ASSERT_TRUE(answer) << "the gateway did not close the connection";
  EXPECT_TRUE(answer->starts_with("HTTP/1.1 400 Bad Request\r\n")) << *answer;
  EXPECT_TRUE(answer->ends_with("\r\n\r\nThis port speaks TLS: connect with wss://.\r\n")) << *answer;
  EXPECT_EQ(wait_errors("tls_plain_http", before + 1), before + 1);
  // The same through the clients tests use: a refusal, not a hang.
  WsClient c(port(), "/api/v1/ws?token=" + token("alice"));
  EXPECT_EQ(c.handshake().http_status, 400) << c.handshake().error;
  EXPECT_FALSE(c.open());
  // It connects twice: the upgrade, then again to read the refusal's body.
  EXPECT_EQ(wait_errors("tls_plain_http", before + 3), before + 3);
  EXPECT_EQ(http_get(port(), "/api/v1/ws").first, 400);
  EXPECT_EQ(wait_errors("tls_plain_http", before + 4), before + 4);
}

// Bytes that are not a TLS handshake: a handshake record whose body is not a
// ClientHello, and binary noise. Each connection is closed (with at most a
// TLS alert) and counted.
TEST_F(TlsTest, GarbageInsteadOfAClientHelloIsRefusedAndCounted) {
  const std::string inputs[] = {std::string("\x16\x03\x01\x00\x20", 5) + std::string(32, 'x'),
                                std::string("\x00\xff\x13\x37garbage, not TLS at all\r\n\r\n", 31)};
  for (const auto& input : inputs) {
    auto before = errors("tls_handshake");
    auto answer = raw_exchange(port(), input);
    ASSERT_TRUE(answer) << "the gateway did not close the connection";
    EXPECT_TRUE(answer->empty() || (*answer)[0] == '\x15') << "nothing, or an alert record: " << testing::PrintToString(*answer);
    EXPECT_EQ(wait_errors("tls_handshake", before + 1), before + 1);
  }
}

// A client whose TLS handshake succeeds and which then sends garbage: as
// TLS records (plaintext that is no HTTP request: a 400 over TLS), and
// under them, bytes that are no record of the session, before the upgrade
// and after it. Each is closed and counted.
TEST_F(TlsTest, GarbageAfterTheTlsHandshakeIsRefusedAndCounted) {
  auto bad_request = errors("bad_request");
  {
    TlsProbe probe(port(), Pki::get().ca.ca_file());
    ASSERT_TRUE(probe.handshake()) << probe.error();
    probe.write("this is no HTTP request\r\n\r\n");
    auto answer = probe.read_until_closed();
    ASSERT_TRUE(answer) << "the gateway did not close the connection";
    EXPECT_TRUE(answer->starts_with("HTTP/1.1 400 Bad Request\r\n")) << *answer;
    EXPECT_EQ(wait_errors("bad_request", bad_request + 1), bad_request + 1);
  }
  const std::string not_a_record = std::string("\x17\x03\x03\x00\x20", 5) + std::string(32, 'x');
  auto tls_record = errors("tls_record");
  {
    TlsProbe probe(port(), Pki::get().ca.ca_file());
    ASSERT_TRUE(probe.handshake()) << probe.error();
    probe.write_raw(not_a_record);
    EXPECT_TRUE(probe.read_until_closed()) << "the gateway did not close the connection";
    EXPECT_EQ(wait_errors("tls_record", tls_record + 1), tls_record + 1);
  }
  {
    TlsProbe probe(port(), Pki::get().ca.ca_file());
    ASSERT_TRUE(probe.handshake()) << probe.error();
    probe.write("GET /api/v1/ws?token=" + token("alice") +
                " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    auto head = probe.read_until("\r\n\r\n");
    ASSERT_EQ(head.substr(0, 12), "HTTP/1.1 101") << head;
    probe.write_raw(not_a_record);
    EXPECT_TRUE(probe.read_until_closed()) << "the gateway did not close the socket";
    EXPECT_EQ(wait_errors("tls_record", tls_record + 2), tls_record + 2);
  }
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

// The admin API on the mutual-TLS admin port: no bearer secret is configured,
// the operator's certificate (of admin.tls.client_ca_file) is the credential.
TEST_F(TlsTest, TheAdminApiTakesAClientCertificateOfTheAdminCa) {
  auto alice = wss_connect(gateway_->port(), token("alice"));
  const std::string list = "/api/v1/connections?app=tribe&user=u-alice";
  std::pair<int, std::string> listed;
  for (auto until = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(50ms)) {  // presence learns of the socket a NATS round trip later
    listed = admin_get(list, &Pki::get().operator_client);
    if (listed.first != 200 || !json::parse(listed.second)["connections"].empty()) break;
  }
  ASSERT_EQ(listed.first, 200) << listed.second;
  EXPECT_FALSE(json::parse(listed.second)["connections"].empty()) << listed.second;
  auto [status, body] =
      admin_post("/api/v1/disconnect", {{"app", "tribe"}, {"user", "u-alice"}, {"reason", "by certificate"}},
                 Pki::get().operator_client);
  EXPECT_EQ(status, 202) << body;
  EXPECT_EQ(alice->wait_closed(10s), 1008);
  EXPECT_EQ(alice->close_reason(), "by certificate");
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

// The HTTP pass-through relays plain sockets only: an app with both tls and
// passthrough is refused by --check-config (and so by a start), saying why.
TEST_F(TlsTest, CheckConfigRefusesTlsWithThePassThrough) {
  TempDir dir;
  auto with_passthrough = config(nats_url(), backend_port());
  with_passthrough["apps"][0]["passthrough"] = true;  // its backend.url is http://: the pass-through is on
  std::ofstream(dir.path() + "/gangway.json") << with_passthrough.dump(2);
  ChildProcess p({GANGWAY_BIN, "--config", dir.path() + "/gangway.json", "--check-config"}, dir.path() + "/out.log");
  auto status = p.wait(30s);
  ASSERT_TRUE(status && WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 1);
  std::ifstream in(dir.path() + "/out.log");
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(out.find("app tribe: tls and passthrough cannot be used together"), std::string::npos) << out;
}

}  // namespace
}  // namespace gangway::test
