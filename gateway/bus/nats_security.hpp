#pragma once
// How the gateway proves who it is to NATS, and how it checks that NATS is
// who it claims to be: plain data, read from the config (`nats.*`,
// docs/configuration.md) and applied by NatsBus to each of its connections.
// Several fields hold secrets: never log, print or export them.
#include <string>
#include <vector>

namespace gangway::bus {

// One method at most: a nats-server user is defined by one of them.
struct NatsAuth {
  enum class Method { none, user_password, token, nkey, credentials };
  Method method = Method::none;

  std::string user;      // user_password
  std::string password;  // user_password: the secret itself
  std::string token;     // token: the secret itself
  std::string nkey;      // nkey: the user's public key ("U…"), not secret
  // nkey: the seed ("SU…") in a file, which nats.c reads at each connect and
  // wipes, or (from an environment variable) the seed itself. One of the two.
  std::string nkey_seed_file;
  std::string nkey_seed;
  // credentials: a `.creds` file (user JWT + NKey seed, as `nsc` writes it),
  // read at each connect so a renewed JWT is picked up on the next reconnect,
  // or (from an environment variable) its contents. One of the two.
  std::string credentials_file;
  std::string credentials;
};

// The method's name for messages ("user/password", "token", …): never a secret.
const char* method_name(NatsAuth::Method m);

// TLS to NATS. The server certificate is always verified, chain and name,
// whether TLS is required here or asked for by the server.
struct NatsTls {
  bool enabled = false;     // require TLS (else TLS only if the server requires it)
  std::string ca_file;      // trusted CAs (PEM); empty: the system trust store
  std::string cert_file;    // a client certificate chain (PEM), for servers that verify clients
  std::string key_file;     // its private key (PEM); a secret, so only from a file
  std::string server_name;  // the name the certificate must carry; empty: the host of the first URL
};

// What is wrong with `auth` and `tls` before any connection is tried: a
// method without its secret, an unreadable or malformed file, a key that is
// no NKey, TLS to several hosts with no server_name. Empty if nothing. Reads
// the files (wiping what it read of a secret) and names config keys
// (`nats.…`), never a secret. Blocking: startup only.
std::string security_problems(const NatsAuth& auth, const NatsTls& tls, const std::string& urls);

}  // namespace gangway::bus
