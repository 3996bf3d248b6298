#include "tests/support/test_ca.hpp"

#include <sys/wait.h>

#include <fstream>

#include <gtest/gtest.h>

namespace gangway::test {
namespace {

void run_openssl(std::vector<std::string> args, const std::string& dir) {
  args.insert(args.begin(), OPENSSL_BIN);
  ChildProcess p(args, dir + "/openssl.log");
  auto status = p.wait(std::chrono::seconds(60));
  if (!status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    std::ifstream in(dir + "/openssl.log");
    std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ADD_FAILURE() << "openssl " << args.at(1) << " failed:\n" << log;
  }
}

const std::vector<std::string> kEcKey = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"};

}  // namespace

void TestCa::openssl(const std::vector<std::string>& args) const { run_openssl(args, dir_.path()); }

TestCa::TestCa(const std::string& name) {
  ca_file_ = dir_.path() + "/ca.pem";
  ca_key_ = dir_.path() + "/ca.key";
  std::vector<std::string> args{"req", "-x509"};
  args.insert(args.end(), kEcKey.begin(), kEcKey.end());
  // Debian's openssl.cnf gives -x509 the v3_ca extensions (CA:TRUE).
  args.insert(args.end(), {"-keyout", ca_key_, "-out", ca_file_, "-days", "2", "-subj", "/CN=" + name});
  run_openssl(args, dir_.path());
}

TestCa::Issued TestCa::issue(const std::string& common_name, const std::string& sans) {
  auto base = dir_.path() + "/leaf" + std::to_string(++serial_);
  Issued out{base + ".pem", base + ".key"};
  std::vector<std::string> req{"req"};
  req.insert(req.end(), kEcKey.begin(), kEcKey.end());
  req.insert(req.end(), {"-keyout", out.key_file, "-out", base + ".csr", "-subj", "/CN=" + common_name});
  run_openssl(req, dir_.path());
  std::ofstream(base + ".ext") << "subjectAltName=" << sans
                               << "\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n";
  run_openssl({"x509", "-req", "-in", base + ".csr", "-CA", ca_file_, "-CAkey", ca_key_, "-set_serial",
               std::to_string(serial_), "-days", "2", "-out", out.cert_file, "-extfile", base + ".ext"},
              dir_.path());
  return out;
}

}  // namespace gangway::test
