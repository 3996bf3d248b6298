#pragma once
// The admin API's second credential: a client certificate. On an admin port
// with admin.tls.client_ca_file the TLS handshake already refuses a client
// without a certificate of those CAs (admin_connection.hpp), so a request
// that arrives carries a verified subject (AdminRequest::client_subject);
// such a request is authenticated. Either credential may be configured, or
// both, and a request needs only one of them.
#include <vector>

#include "gateway/admin/admin_server.hpp"

namespace gangway {

// Accepts a request whose client certificate was verified (a non-empty
// AdminRequest::client_subject); refuses any other, plain HTTP included.
AdminAuthenticator client_certificate_authenticator();

// Accepts a request that any of `ways` accepts, asked in order; none
// accepts anything. On the admin thread, as each of them.
AdminAuthenticator any_authenticator(std::vector<AdminAuthenticator> ways);

}  // namespace gangway
