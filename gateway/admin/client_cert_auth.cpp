#include "gateway/admin/client_cert_auth.hpp"

namespace gangway {

AdminAuthenticator client_certificate_authenticator() {
  // The subject is set only for a certificate that verified against the
  // port's client CAs (admin_connection.cpp, client_subject()).
  return [](const AdminRequest& req) { return !req.client_subject.empty(); };
}

AdminAuthenticator any_authenticator(std::vector<AdminAuthenticator> ways) {
  return [ways = std::move(ways)](const AdminRequest& req) {
    for (const auto& way : ways)
      if (way(req)) return true;
    return false;
  };
}

}  // namespace gangway
