#pragma once
// The demo's user accounts, shared by every seed's routes. Seeded once at
// startup and never changed, so reads need no lock.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/model.hpp"

namespace demo {

struct User {
  std::string id;
  std::string username;
  std::string full_name;
  std::string password;  // plain text: these are published demo credentials
};

// {"id", "username", "full_name", "profile_image_url": null} — seed 002's sender shape.
gangway::Json user_json(const User& u);

class Users {
 public:
  Users();  // alice, bob and carol, password "password"

  const User* by_id(std::string_view id) const;
  const User* by_username(std::string_view username) const;
  // The user if the password matches (compared in constant time), else nullptr.
  const User* check_password(std::string_view username, std::string_view password) const;

 private:
  std::vector<User> users_;
};

}  // namespace demo
