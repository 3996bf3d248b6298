#pragma once
// The admin API's bearer secret (config admin.bearer_token_env / _file): a
// request is authenticated when it carries `Authorization: Bearer <secret>`.
// The comparison takes the same time whatever the bytes sent, so a client
// cannot find the secret one byte at a time by timing refusals.
#include <string>

#include "gateway/admin/admin_server.hpp"

namespace gangway {

// An authenticator accepting `Authorization: Bearer <secret>` (the scheme
// name in any case, as RFC 7235 allows). It keeps the secret's SHA-256 only
// and compares the digest of what a request sends with CRYPTO_memcmp: the time
// depends on neither the secret's bytes nor its length. Throws
// std::invalid_argument for an empty secret.
AdminAuthenticator bearer_authenticator(std::string secret);

}  // namespace gangway
