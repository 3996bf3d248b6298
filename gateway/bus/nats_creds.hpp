#pragma once
// The `.creds` file format of NATS decentralised authentication (what `nsc`
// writes): a user JWT and the user's NKey seed between marker lines.
//
//   -----BEGIN NATS USER JWT-----
//   eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ…
//   ------END NATS USER JWT------
//   …
//   -----BEGIN USER NKEY SEED-----
//   SUA…
//   ------END USER NKEY SEED------
//
// nats.c reads such a file itself (natsOptions_SetUserCredentialsFromFiles);
// the bus parses it too, to refuse a malformed one at startup with a clear
// error and to take the same contents from an environment variable.
#include <optional>
#include <string>
#include <string_view>

namespace gangway::bus {

struct NatsCreds {
  std::string jwt;   // the user JWT (public)
  std::string seed;  // the user NKey seed, "SU…" (secret)
};

// nullopt and `error` (which never quotes the contents) when the JWT or the
// seed block is missing or does not look like one.
std::optional<NatsCreds> parse_creds(std::string_view text, std::string* error);

// A user NKey seed: "SU" and 56 more base32 characters.
bool looks_like_user_seed(std::string_view s);
// A seed file as nats.c reads one (natsOptions_SetNKeyFromSeed): some line is a user seed.
bool holds_user_seed(std::string_view text);
// A user NKey public key: "U" and 55 more base32 characters.
bool looks_like_user_nkey(std::string_view s);

}  // namespace gangway::bus
