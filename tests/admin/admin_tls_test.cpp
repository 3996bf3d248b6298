// The admin port over TLS: https with the listener's certificate, a client
// certificate of the configured CA required (mutual TLS) and handed to the
// routes, which may take it as the admin API's credential instead of the
// bearer secret; and a reloaded certificate served from the next connection on.
#include <gtest/gtest.h>
#include <httplib.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <filesystem>
#include <memory>

#include "gateway/admin/admin_server.hpp"
#include "gateway/admin/bearer_auth.hpp"
#include "gateway/admin/client_cert_auth.hpp"
#include "tests/support/test_ca.hpp"

namespace gangway {
namespace {

using test::TestCa;

class AdminTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_ = new TestCa("Admin Test CA");
    other_ = new TestCa("Other CA");
    server_ = new TestCa::Issued(ca_->issue("admin.gangway.test"));
    renewed_ = new TestCa::Issued(ca_->issue("renewed.admin.gangway.test"));
    operator_ = new TestCa::Issued(ca_->issue("operator"));
    stranger_ = new TestCa::Issued(other_->issue("stranger"));
  }
  static void TearDownTestSuite() {
    for (auto* issued : {server_, renewed_, operator_, stranger_}) delete issued;
    delete other_;
    delete ca_;
  }

  static constexpr const char* kBearer = "0123456789abcdef-admin-secret";

  void start(bool require_client_certificates) {
    std::filesystem::copy_file(server_->cert_file, cert_, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(server_->key_file, key_, std::filesystem::copy_options::overwrite_existing);
    tls_ = std::make_shared<tls::ServerTls>(
        tls::TlsOptions{cert_, key_, require_client_certificates ? ca_->ca_file() : "", false}, "admin.tls");
    admin_.add_route("GET", "/whoami", [](const AdminRequest& req) {
      return AdminResponse{200, "text/plain", std::string(req.client_subject), {}};
    });
    // As the gateway sets the admin API up: a bearer secret or a client certificate.
    admin_.add_route(
        "GET", "/api", [](const AdminRequest&) { return AdminResponse{200, "text/plain", "in\n", {}}; },
        AdminServer::Access::authenticated);
    admin_.set_authenticator(any_authenticator({bearer_authenticator(kBearer), client_certificate_authenticator()}));
    admin_.set_tls(tls_);
    port_ = admin_.start("127.0.0.1", 0);
  }

  // GET over https, presenting `client` (none if null): the status and body, or -1 and why.
  std::pair<int, std::string> get(const std::string& path, const TestCa::Issued* client, std::string bearer = "") {
    auto cli = client ? std::make_unique<httplib::SSLClient>("127.0.0.1", port_, client->cert_file, client->key_file)
                      : std::make_unique<httplib::SSLClient>("127.0.0.1", port_);
    cli->set_ca_cert_path(ca_->ca_file().c_str());
    cli->enable_server_certificate_verification(true);
    cli->set_connection_timeout(5);
    cli->set_read_timeout(5);
    httplib::Headers headers;
    if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
    auto res = cli->Get(path.c_str(), headers);
    if (!res) return {-1, httplib::to_string(res.error())};
    return {res->status, res->body};
  }

  // The subject of the certificate the port presents to a new connection.
  std::string presented_subject() {
    namespace ssl = boost::asio::ssl;
    boost::asio::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(ca_->ca_file());
    ctx.use_certificate_chain_file(operator_->cert_file);
    ctx.use_private_key_file(operator_->key_file, ssl::context::pem);
    ctx.set_verify_mode(ssl::verify_peer);
    ssl::stream<boost::asio::ip::tcp::socket> stream(ioc, ctx);
    stream.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)});
    stream.handshake(ssl::stream_base::client);
    char name[256] = {};
    X509_NAME_oneline(X509_get_subject_name(SSL_get0_peer_certificate(stream.native_handle())), name, sizeof name);
    return name;
  }

  inline static TestCa* ca_ = nullptr;
  inline static TestCa* other_ = nullptr;
  inline static TestCa::Issued* server_ = nullptr;
  inline static TestCa::Issued* renewed_ = nullptr;
  inline static TestCa::Issued* operator_ = nullptr;
  inline static TestCa::Issued* stranger_ = nullptr;
  test::TempDir dir_;
  std::string cert_ = dir_.path() + "/cert.pem", key_ = dir_.path() + "/key.pem";
  Metrics metrics_;
  AdminServer admin_{metrics_, []() -> std::optional<std::string> { return std::nullopt; }};
  std::shared_ptr<tls::ServerTls> tls_;
  int port_ = 0;
};

TEST_F(AdminTlsTest, ServesHttpsWithoutClientCertificatesWhenNoCaIsSet) {
  start(false);
  EXPECT_EQ(get("/healthz", nullptr), (std::pair<int, std::string>{200, "ok\n"}));
  EXPECT_EQ(get("/whoami", nullptr), (std::pair<int, std::string>{200, ""})) << "no client certificate was asked for";
  httplib::Client plain("127.0.0.1", port_);
  EXPECT_FALSE(plain.Get("/healthz")) << "plain HTTP gets no answer";
}

TEST_F(AdminTlsTest, RequiresAClientCertificateOfTheCaAndTellsTheRoutesWhose) {
  start(true);
  EXPECT_EQ(get("/healthz", operator_), (std::pair<int, std::string>{200, "ok\n"}));
  EXPECT_EQ(get("/whoami", operator_), (std::pair<int, std::string>{200, "CN=operator"}));
  EXPECT_EQ(get("/healthz", nullptr).first, -1) << "without a certificate the handshake fails";
  EXPECT_EQ(get("/healthz", stranger_).first, -1) << "a certificate of another CA";
  EXPECT_EQ(get("/healthz", operator_).first, 200) << "and the port still serves";
}

TEST_F(AdminTlsTest, AClientCertificateOfTheCaAuthenticatesTheApiWithoutABearer) {
  start(true);
  EXPECT_EQ(get("/api", operator_), (std::pair<int, std::string>{200, "in\n"}));
  EXPECT_EQ(get("/api", operator_, kBearer).first, 200) << "a bearer as well does no harm";
  EXPECT_EQ(get("/api", operator_, "wrong-secret").first, 200) << "the certificate alone suffices";
}

TEST_F(AdminTlsTest, WithoutClientCasTheApiStillNeedsTheBearer) {
  start(false);  // https, but no client certificate asked for: nothing verified
  EXPECT_EQ(get("/api", nullptr).first, 401);
  EXPECT_EQ(get("/api", operator_).first, 401) << "a certificate the port did not ask for is no credential";
  EXPECT_EQ(get("/api", nullptr, "wrong-secret").first, 401);
  EXPECT_EQ(get("/api", nullptr, kBearer), (std::pair<int, std::string>{200, "in\n"}));
}

TEST(ClientCertAuth, AcceptsAVerifiedSubjectOnly) {
  auto auth = client_certificate_authenticator();
  AdminRequest req;
  EXPECT_FALSE(auth(req)) << "no certificate (plain HTTP, or a port without client CAs)";
  req.client_subject = "CN=operator";
  EXPECT_TRUE(auth(req));
}

TEST(ClientCertAuth, AnyAuthenticatorNeedsOneOfItsWays) {
  auto yes = [](const AdminRequest&) { return true; };
  auto no = [](const AdminRequest&) { return false; };
  AdminRequest req;
  EXPECT_FALSE(any_authenticator({})(req)) << "none: nothing is accepted";
  EXPECT_FALSE(any_authenticator({no, no})(req));
  EXPECT_TRUE(any_authenticator({no, yes})(req));
  EXPECT_TRUE(any_authenticator({yes, no})(req));
}

TEST_F(AdminTlsTest, AReloadedCertificateIsServedFromTheNextConnection) {
  start(true);
  std::filesystem::copy_file(renewed_->cert_file, cert_, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(renewed_->key_file, key_, std::filesystem::copy_options::overwrite_existing);
  EXPECT_EQ(presented_subject(), "/CN=admin.gangway.test");
  ASSERT_TRUE(tls_->reload().ok);
  EXPECT_EQ(presented_subject(), "/CN=renewed.admin.gangway.test");
  EXPECT_EQ(get("/healthz", operator_).first, 200);
}

}  // namespace
}  // namespace gangway
