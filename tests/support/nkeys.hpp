#pragma once
// NATS NKeys and decentralised-auth JWTs made in test code, for the tests that
// start a nats-server requiring them. Debian ships no NKey tool (`nk`, `nsc`),
// so keys are Ed25519 pairs from OpenSSL in NATS's encoding: base32 (no
// padding) of a prefix byte, the 32 key bytes and a CRC-16/XMODEM, little
// endian. JWTs follow nats-io/jwt v2 (header alg "ed25519-nkey"), enough for
// nats-server 2.9's memory resolver. Generated per run: nothing secret is
// checked in. Failures throw std::runtime_error (tests only).
#include <string>

namespace gangway::test {

struct NKey {
  enum class Kind { operator_, account, user };
  std::string seed;        // "SO…", "SA…", "SU…": the private half
  std::string public_key;  // "O…", "A…", "U…"
  std::string raw_private;  // 32-byte Ed25519 seed, for signing JWTs

  static NKey generate(Kind kind);
  // The raw Ed25519 signature of `input`.
  std::string sign(const std::string& input) const;
};

// A nats-server operator setup with one account and one user: the server
// config lines that trust it, and the user's .creds file contents.
struct NatsOperator {
  NKey op, account, user;
  std::string operator_jwt, account_jwt, user_jwt;

  // `user_name` goes into the user JWT's `name` (nats-server shows it in /connz).
  static NatsOperator create(const std::string& user_name = "gangway");
  // `operator`, `resolver: MEMORY` and `resolver_preload` for nats-server.conf.
  std::string server_config() const;
  // -----BEGIN NATS USER JWT----- … -----BEGIN USER NKEY SEED----- …, as nsc writes it.
  std::string creds() const;
  // A user JWT for `user` signed by a different account key the server does not know.
  std::string foreign_creds() const;
};

}  // namespace gangway::test
