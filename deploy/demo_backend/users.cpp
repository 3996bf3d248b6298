#include "deploy/demo_backend/users.hpp"

#include <openssl/crypto.h>

namespace demo {

gangway::Json user_json(const User& u) {
  return {{"id", u.id}, {"username", u.username}, {"full_name", u.full_name}, {"profile_image_url", nullptr}};
}

Users::Users()
    : users_{{"u-alice", "alice", "Alice Liddell", "password"},
             {"u-bob", "bob", "Bob Builder", "password"},
             {"u-carol", "carol", "Carol Danvers", "password"}} {}

const User* Users::by_id(std::string_view id) const {
  for (const auto& u : users_)
    if (u.id == id) return &u;
  return nullptr;
}

const User* Users::by_username(std::string_view username) const {
  for (const auto& u : users_)
    if (u.username == username) return &u;
  return nullptr;
}

const User* Users::check_password(std::string_view username, std::string_view password) const {
  const User* u = by_username(username);
  if (!u || u->password.size() != password.size()) return nullptr;
  return CRYPTO_memcmp(u->password.data(), password.data(), password.size()) == 0 ? u : nullptr;
}

}  // namespace demo
