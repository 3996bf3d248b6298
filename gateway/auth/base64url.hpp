#pragma once
// Strict base64url (RFC 4648 §5) as JWS uses it (RFC 7515 §2): no padding, no
// whitespace, and the unused low bits of the last character must be zero.
// Strictness makes the encoding canonical, so two different strings never
// decode to the same bytes and a token cannot be altered without detection.
#include <optional>
#include <string>
#include <string_view>

namespace gangway::auth {

// nullopt on any character outside [A-Za-z0-9_-], a length of 4n+1, or
// non-zero trailing bits. The empty string decodes to empty bytes.
std::optional<std::string> base64url_decode(std::string_view in);

}  // namespace gangway::auth
