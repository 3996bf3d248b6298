// NATS authentication and TLS: checking the configured material
// (security_problems) and applying it to a connection's nats.c options.
#include "gateway/bus/nats_security.hpp"

#include <string.h>  // explicit_bzero

#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "gateway/bus/nats_creds.hpp"
#include "gateway/bus/nats_internal.hpp"
#include "gateway/bus/nats_url.hpp"

namespace gangway::bus {
namespace {

using Method = NatsAuth::Method;

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void wipe(std::string& s) {
  explicit_bzero(s.data(), s.size());
  s.clear();
}

std::string check_file(const std::string& path, const char* key) {
  if (!read_file(path)) return std::string("cannot read ") + key + " " + path;
  return {};
}

// A file holding a secret: read, checked by `ok`, wiped.
template <class Ok>
std::string check_secret_file(const std::string& path, const char* key, Ok ok, const char* what) {
  auto text = read_file(path);
  if (!text) return std::string("cannot read ") + key + " " + path;
  std::string error;
  bool good = ok(*text, error);
  wipe(*text);
  if (good) return {};
  return std::string(key) + " " + path + " " + what + (error.empty() ? "" : ": " + error);
}

std::string auth_problems(const NatsAuth& a) {
  switch (a.method) {
    case Method::none: return {};
    case Method::user_password:
      if (a.user.empty()) return "nats.user is empty";
      return {};
    case Method::token:
      if (a.token.empty()) return "the nats token is empty";
      return {};
    case Method::nkey:
      if (!looks_like_user_nkey(a.nkey)) return "nats.nkey is not a user NKey public key (U and 55 base32 characters)";
      if (!a.nkey_seed_file.empty())
        return check_secret_file(
            a.nkey_seed_file, "nats.nkey_seed_file",
            [](const std::string& t, std::string&) { return holds_user_seed(t); }, "holds no user NKey seed (SU…)");
      if (!looks_like_user_seed(a.nkey_seed)) return "nats.nkey_seed_env holds no user NKey seed (SU…)";
      return {};
    case Method::credentials:
      if (!a.credentials_file.empty())
        return check_secret_file(
            a.credentials_file, "nats.credentials_file",
            [](const std::string& t, std::string& e) { return parse_creds(t, &e).has_value(); },
            "is no credentials file");
      if (std::string e; !parse_creds(a.credentials, &e)) return "nats.credentials_env is no credentials file: " + e;
      return {};
  }
  return {};
}

// nats.c signs the server's nonce through these when the secret came from
// the environment; `closure` points into NatsBus::Impl::opts.
natsStatus sign_nonce(char**, unsigned char** sig, int* sig_len, const char* nonce, void* closure) {
  return nats_Sign(static_cast<const std::string*>(closure)->c_str(), nonce, sig, sig_len);
}

natsStatus give_user_jwt(char** jwt, char**, void* closure) {
  *jwt = strdup(static_cast<const NatsCreds*>(closure)->jwt.c_str());  // nats.c frees it
  return *jwt ? NATS_OK : NATS_NO_MEMORY;
}

natsStatus apply_auth(NatsBus::Impl& impl) {
  natsOptions* no = impl.nopts;
  const NatsAuth& a = impl.opts.auth;
  switch (a.method) {
    case Method::none: return NATS_OK;
    case Method::user_password: return natsOptions_SetUserInfo(no, a.user.c_str(), a.password.c_str());
    case Method::token: return natsOptions_SetToken(no, a.token.c_str());
    case Method::nkey:
      if (!a.nkey_seed_file.empty()) return natsOptions_SetNKeyFromSeed(no, a.nkey.c_str(), a.nkey_seed_file.c_str());
      return natsOptions_SetNKey(no, a.nkey.c_str(), sign_nonce, &impl.opts.auth.nkey_seed);
    case Method::credentials:
      if (!a.credentials_file.empty())
        return natsOptions_SetUserCredentialsFromFiles(no, a.credentials_file.c_str(), nullptr);
      impl.creds = *parse_creds(a.credentials, nullptr);  // checked by security_problems
      return natsOptions_SetUserCredentialsCallbacks(no, give_user_jwt, &impl.creds, sign_nonce, &impl.creds.seed);
  }
  return NATS_OK;
}

// The name the server certificate must carry: nats.c checks a name only when
// given one, and the gateway always wants it checked.
std::string expected_name(const NatsTls& tls, const std::string& urls) {
  if (!tls.server_name.empty()) return tls.server_name;
  auto hosts = nats_url_hosts(urls);
  return hosts.empty() ? std::string() : hosts.front();
}

}  // namespace

const char* method_name(NatsAuth::Method m) {
  switch (m) {
    case Method::none: return "no";
    case Method::user_password: return "user/password";
    case Method::token: return "token";
    case Method::nkey: return "NKey";
    case Method::credentials: return "credentials (JWT + NKey)";
  }
  return "?";
}

std::string security_problems(const NatsAuth& auth, const NatsTls& tls, const std::string& urls) {
  if (auto p = auth_problems(auth); !p.empty()) return p;
  if (!tls.ca_file.empty())
    if (auto p = check_file(tls.ca_file, "nats.tls.ca_file"); !p.empty()) return p;
  if (tls.cert_file.empty() != tls.key_file.empty()) return "nats.tls.cert_file and nats.tls.key_file go together";
  if (!tls.cert_file.empty()) {
    if (auto p = check_file(tls.cert_file, "nats.tls.cert_file"); !p.empty()) return p;
    if (auto p = check_file(tls.key_file, "nats.tls.key_file"); !p.empty()) return p;
  }
  if (tls.enabled && tls.server_name.empty()) {
    auto hosts = nats_url_hosts(urls);
    for (const auto& h : hosts)
      if (h != hosts.front())
        return "nats.tls.server_name is needed: nats.url names several hosts, and the gateway checks one name";
  }
  return {};
}

natsStatus apply_security(NatsBus::Impl& impl) {
  natsOptions* no = impl.nopts;
  const NatsTls& tls = impl.opts.tls;
  natsStatus s = apply_auth(impl);
  if (s == NATS_OK && tls.enabled) s = natsOptions_SetSecure(no, true);
  // Added to the system trust store nats.c loads first.
  if (s == NATS_OK && !tls.ca_file.empty()) s = natsOptions_LoadCATrustedCertificates(no, tls.ca_file.c_str());
  if (s == NATS_OK && !tls.cert_file.empty())
    s = natsOptions_LoadCertificatesChain(no, tls.cert_file.c_str(), tls.key_file.c_str());
  // Also without nats.tls: a server that requires TLS switches the client to
  // it, and its certificate's name must then be checked as well.
  if (auto name = expected_name(tls, impl.opts.url); s == NATS_OK && !name.empty())
    s = natsOptions_SetExpectedHostname(no, name.c_str());
  // That gives every connection a TLS context, which makes nats.c pick its
  // TLS reconnect jitter (1 s); plain connections keep the plain one (100 ms).
  if (s == NATS_OK) s = natsOptions_SetReconnectJitter(no, 100, tls.enabled ? 1000 : 100);
  return s;
}

}  // namespace gangway::bus
