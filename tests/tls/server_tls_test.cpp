// ServerTls: a listener's certificate loaded from PEM files with a clear
// error for each way they can be wrong, and a reload that swaps in new files
// or, when they do not fit, keeps the current ones.
#include "gateway/tls/server_tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tests/support/test_ca.hpp"

namespace gangway::tls {
namespace {

using test::TestCa;

class ServerTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_ = new TestCa();
    first_ = new TestCa::Issued(ca_->issue("first.gangway.test"));
    second_ = new TestCa::Issued(ca_->issue("second.gangway.test"));
  }
  static void TearDownTestSuite() {
    delete first_;
    delete second_;
    delete ca_;
  }

  // Files of this test's own that it may overwrite (as an operator renews a certificate).
  TlsOptions copy_of(const TestCa::Issued& issued) {
    std::filesystem::copy_file(issued.cert_file, cert_, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(issued.key_file, key_, std::filesystem::copy_options::overwrite_existing);
    return TlsOptions{cert_, key_, "", false};
  }
  std::string file(const std::string& name, const std::string& contents) {
    auto path = ca_->dir() + "/" + name;
    std::ofstream(path) << contents;
    return path;
  }
  static std::string error_of(const TlsOptions& o) {
    try {
      ServerTls loaded(o, "apps[0].tls");
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }
  // The subject of the certificate a new connection would present.
  static std::string presented(const ServerTls& tls) {
    auto ssl = tls.new_connection();
    if (!ssl) return "no connection";
    X509* cert = SSL_get_certificate(ssl.get());
    char name[256] = {};
    X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof name);
    return name;
  }

  inline static TestCa* ca_ = nullptr;
  inline static TestCa::Issued* first_ = nullptr;
  inline static TestCa::Issued* second_ = nullptr;
  std::string cert_ = ca_->dir() + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pem";
  std::string key_ = ca_->dir() + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".key";
};

TEST_F(ServerTlsTest, LoadsACertificateAndItsKey) {
  ServerTls tls(TlsOptions{first_->cert_file, first_->key_file, "", false}, "apps[0].tls");
  EXPECT_NE(tls.certificate().find("CN=first.gangway.test"), std::string::npos) << tls.certificate();
  EXPECT_NE(tls.certificate().find("serial 02"), std::string::npos) << tls.certificate();
  EXPECT_NE(tls.certificate().find("valid until"), std::string::npos) << tls.certificate();
  EXPECT_EQ(tls.certificate().find("EXPIRED"), std::string::npos);
  EXPECT_EQ(presented(tls), "/CN=first.gangway.test");
  EXPECT_EQ(tls_problem(tls.options(), "apps[0].tls"), "");
}

TEST_F(ServerTlsTest, EachBadFileIsNamedWithWhatIsWrong) {
  const auto& good = *first_;
  struct Case {
    TlsOptions options;
    std::string expected;
  } cases[] = {
      {{"/nonexistent/cert.pem", good.key_file, "", false}, "apps[0].tls.cert_file: cannot read /nonexistent/cert.pem"},
      {{good.cert_file, "/nonexistent/key.pem", "", false}, "apps[0].tls.key_file: cannot read /nonexistent/key.pem"},
      {{file("garbage.pem", "not a certificate\n"), good.key_file, "", false},
       "apps[0].tls.cert_file: " + ca_->dir() + "/garbage.pem holds no usable PEM certificate chain"},
      {{good.cert_file, good.cert_file, "", false}, "apps[0].tls.key_file: " + good.cert_file + " holds no PEM private key"},
      {{good.cert_file, second_->key_file, "", false},
       "apps[0].tls.key_file: " + second_->key_file + " is not the key of the certificate in " + good.cert_file},
      {{good.cert_file, good.key_file, file("empty-ca.pem", ""), false},
       "apps[0].tls.client_ca_file: " + ca_->dir() + "/empty-ca.pem holds no PEM certificate"},
  };
  for (const auto& c : cases) {
    auto error = error_of(c.options);
    EXPECT_EQ(error.substr(0, c.expected.size()), c.expected) << error;
    EXPECT_EQ(tls_problem(c.options, "apps[0].tls"), error) << "--check-config says the same";
  }
}

TEST_F(ServerTlsTest, AnEncryptedKeyIsRefusedWithoutAskingForAPassphrase) {
  auto encrypted = ca_->dir() + "/encrypted.key";
  ca_->openssl({"pkey", "-in", first_->key_file, "-aes256", "-passout", "pass:secret", "-out", encrypted});
  auto error = error_of({first_->cert_file, encrypted, "", false});
  EXPECT_NE(error.find("apps[0].tls.key_file: " + encrypted + " is encrypted"), std::string::npos) << error;
}

TEST_F(ServerTlsTest, AClientCaMakesClientCertificatesRequired) {
  ServerTls tls(TlsOptions{first_->cert_file, first_->key_file, ca_->ca_file(), false}, "admin.tls");
  auto ssl = tls.new_connection();
  ASSERT_TRUE(ssl);
  EXPECT_EQ(SSL_get_verify_mode(ssl.get()), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
  ServerTls open(TlsOptions{first_->cert_file, first_->key_file, "", false}, "apps[0].tls");
  EXPECT_EQ(SSL_get_verify_mode(open.new_connection().get()), SSL_VERIFY_NONE);
}

TEST_F(ServerTlsTest, TheMinimumVersionIsTls12OrTls13) {
  ServerTls default_policy(TlsOptions{first_->cert_file, first_->key_file, "", false}, "apps[0].tls");
  EXPECT_EQ(SSL_get_min_proto_version(default_policy.new_connection().get()), TLS1_2_VERSION);
  ServerTls modern(TlsOptions{first_->cert_file, first_->key_file, "", true}, "apps[0].tls");
  EXPECT_EQ(SSL_get_min_proto_version(modern.new_connection().get()), TLS1_3_VERSION);
}

TEST_F(ServerTlsTest, AReloadPicksUpRenewedFilesForNewConnectionsOnly) {
  ServerTls tls(copy_of(*first_), "apps[0].tls");
  auto before = tls.new_connection();  // an open connection keeps its certificate
  copy_of(*second_);
  auto reloaded = tls.reload();
  EXPECT_TRUE(reloaded.ok) << reloaded.message;
  EXPECT_NE(reloaded.message.find("CN=second.gangway.test"), std::string::npos) << reloaded.message;
  EXPECT_NE(tls.certificate().find("serial 03"), std::string::npos) << tls.certificate();
  EXPECT_EQ(presented(tls), "/CN=second.gangway.test");
  char name[256] = {};
  X509_NAME_oneline(X509_get_subject_name(SSL_get_certificate(before.get())), name, sizeof name);
  EXPECT_STREQ(name, "/CN=first.gangway.test");
}

TEST_F(ServerTlsTest, AReloadOfFilesThatDoNotFitKeepsTheCurrentCertificate) {
  ServerTls tls(copy_of(*first_), "apps[0].tls");
  // Half a renewal: the new certificate is in place, its key not yet.
  std::filesystem::copy_file(second_->cert_file, cert_, std::filesystem::copy_options::overwrite_existing);
  auto reloaded = tls.reload();
  EXPECT_FALSE(reloaded.ok);
  EXPECT_NE(reloaded.message.find("is not the key of the certificate"), std::string::npos) << reloaded.message;
  EXPECT_EQ(presented(tls), "/CN=first.gangway.test");
  std::filesystem::remove(key_);
  reloaded = tls.reload();
  EXPECT_FALSE(reloaded.ok);
  EXPECT_NE(reloaded.message.find("cannot read " + key_), std::string::npos) << reloaded.message;
  EXPECT_EQ(presented(tls), "/CN=first.gangway.test");
}

}  // namespace
}  // namespace gangway::tls
