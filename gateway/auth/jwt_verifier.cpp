#include "gateway/auth/jwt_verifier.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>

#include "gateway/auth/base64url.hpp"
#include "gateway/auth/jws_key.hpp"
#include "gateway/core/json_parse.hpp"

namespace gangway::auth {
namespace {

// Real tokens are well under 2 KiB; the cap bounds the work an unauthenticated
// client can cause (base64 decoding, header JSON parse) before any check.
constexpr std::size_t kMaxTokenBytes = 8 * 1024;

using detail::JwsAlg;
using detail::JwsKey;

struct Parts {
  std::string_view signing_input;  // "header.payload" exactly as sent: what was signed
  std::string header;              // decoded
  std::string payload;             // decoded
  std::string signature;           // decoded
};

// Exactly three base64url parts; the signature may be empty (alg none), which
// is then refused by the algorithm check rather than here.
std::optional<Parts> split(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto header = base64url_decode(token.substr(0, first));
  auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header || !payload || !signature || header->empty() || payload->empty()) return std::nullopt;
  return Parts{token.substr(0, second), std::move(*header), std::move(*payload), std::move(*signature)};
}

const Json* find(const Json& obj, const std::string& name) {
  const auto it = obj.find(name);
  return it == obj.end() ? nullptr : &*it;
}

// NumericDate (RFC 7519 §2) may be fractional; doubles are exact for any
// realistic Unix time and cannot overflow when the leeway is added.
std::optional<double> numeric_date(const Json& v) {
  if (!v.is_number()) return std::nullopt;
  return v.get<double>();
}

bool audience_ok(const Json* aud, const std::vector<std::string>& wanted) {
  if (wanted.empty()) return true;
  if (aud == nullptr) return false;
  const auto accepted = [&](const Json& a) {
    return a.is_string() &&
           std::find(wanted.begin(), wanted.end(), a.get_ref<const std::string&>()) != wanted.end();
  };
  if (aud->is_string()) return accepted(*aud);
  if (aud->is_array()) return std::any_of(aud->begin(), aud->end(), accepted);
  return false;
}

}  // namespace

std::string_view to_string(JwtError e) {
  switch (e) {
    case JwtError::missing: return "missing";
    case JwtError::malformed: return "malformed";
    case JwtError::alg_refused: return "alg_refused";
    case JwtError::no_key: return "no_key";
    case JwtError::bad_signature: return "bad_signature";
    case JwtError::expired: return "expired";
    case JwtError::not_yet_valid: return "not_yet_valid";
    case JwtError::bad_issuer: return "bad_issuer";
    case JwtError::bad_audience: return "bad_audience";
    case JwtError::no_subject: return "no_subject";
  }
  return "unknown";
}

struct JwtVerifier::Impl {
  JwtPolicy policy;  // keys[].material is cleared once parsed into `keys`
  std::vector<JwsKey> keys;                                      // configured
  std::atomic<std::shared_ptr<const std::vector<JwsKey>>> remote;  // from a key set; replaced whole
  std::function<void()> unknown_kid;

  static std::vector<JwsKey> pin(const std::vector<JwtKey>& keys, const char* what);

  std::optional<JwtError> check_signature(const Parts& parts) const;
  Result<VerifiedToken, JwtError> check_claims(const std::string& payload, std::int64_t now) const;
};

std::vector<JwsKey> JwtVerifier::Impl::pin(const std::vector<JwtKey>& keys, const char* what) {
  std::vector<JwsKey> pinned;
  pinned.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const JwtKey& k = keys[i];
    std::string label = std::string(what) + " #" + std::to_string(i);
    if (!k.kid.empty()) label += " (kid '" + k.kid + "')";
    pinned.emplace_back(k, label);
  }
  return pinned;
}

JwtVerifier::JwtVerifier(JwtPolicy policy) : impl_(std::make_unique<Impl>()) {
  impl_->keys = Impl::pin(policy.keys, "key");
  policy.keys.clear();  // no second copy of the secrets
  policy.leeway_s = std::max<std::int64_t>(policy.leeway_s, 0);
  impl_->policy = std::move(policy);
}

JwtVerifier::~JwtVerifier() = default;

void JwtVerifier::set_remote_keys(const std::vector<JwtKey>& keys) {
  impl_->remote.store(std::make_shared<const std::vector<JwsKey>>(Impl::pin(keys, "key set key")));
}

std::size_t JwtVerifier::remote_keys() const {
  auto remote = impl_->remote.load();
  return remote ? remote->size() : 0;
}

void JwtVerifier::on_unknown_kid(std::function<void()> fn) { impl_->unknown_kid = std::move(fn); }

Result<VerifiedToken, JwtError> JwtVerifier::verify(std::string_view token, std::int64_t now) const {
  if (token.empty()) return Failure{JwtError::missing};
  if (token.size() > kMaxTokenBytes) return Failure{JwtError::malformed};
  const auto parts = split(token);
  if (!parts) return Failure{JwtError::malformed};
  if (const auto refused = impl_->check_signature(*parts)) return Failure{*refused};
  // Only now, with the issuer's signature checked, is the payload parsed.
  return impl_->check_claims(parts->payload, now);
}

// Header, algorithm pinning, key selection, signature; nullopt if a pinned key
// verified it. Nothing in the payload has been looked at yet.
std::optional<JwtError> JwtVerifier::Impl::check_signature(const Parts& parts) const {
  const Json header = parse_json(parts.header);
  if (header.is_discarded() || !header.is_object()) return JwtError::malformed;
  // RFC 7515 §4.1.11: extensions listed in `crit` must be understood; we know none
  // (e.g. "b64": false would change what was signed).
  if (header.contains("crit")) return JwtError::malformed;
  // `jku`, `jwk`, `x5u`, `x5c` are ignored on purpose: a token never chooses its key.

  const Json* alg_name = find(header, "alg");
  if (alg_name == nullptr || !alg_name->is_string()) return JwtError::alg_refused;
  const auto alg = detail::parse_alg(alg_name->get_ref<const std::string&>());
  if (!alg) return JwtError::alg_refused;  // none, HS512, PS256, ...

  const Json* kid_json = find(header, "kid");
  if (kid_json != nullptr && !kid_json->is_string()) return JwtError::malformed;
  const std::string kid = kid_json != nullptr ? kid_json->get<std::string>() : std::string();

  // A key with a kid serves only tokens naming it; a key without one serves any
  // token. Among those, only keys pinned to the token's alg may be tried.
  bool any_candidate = false;
  bool any_alg_match = false;
  const auto remote_keys = remote.load();  // held: a refresh may replace the set meanwhile
  for (const auto* set : {&keys, remote_keys.get()}) {
    if (set == nullptr) continue;
    for (const JwsKey& key : *set) {
      if (!key.kid().empty() && key.kid() != kid) continue;
      any_candidate = true;
      if (key.alg() != *alg) continue;
      any_alg_match = true;
      if (key.verify(parts.signing_input, parts.signature)) return std::nullopt;
    }
  }
  if (!any_candidate) {
    // Perhaps the issuer rotated its keys: the owner of the key set may refetch it.
    if (!kid.empty() && unknown_kid) unknown_kid();
    return JwtError::no_key;
  }
  if (!any_alg_match) return JwtError::alg_refused;
  return JwtError::bad_signature;
}

Result<VerifiedToken, JwtError> JwtVerifier::Impl::check_claims(const std::string& payload,
                                                            std::int64_t now) const {
  Json claims = parse_json(payload);
  if (claims.is_discarded() || !claims.is_object()) return Failure{JwtError::malformed};

  const double t = static_cast<double>(now);
  const double leeway = static_cast<double>(policy.leeway_s);
  std::int64_t expires_at = 0;
  if (const Json* exp = find(claims, "exp")) {
    const auto v = numeric_date(*exp);
    if (!v) return Failure{JwtError::malformed};
    if (t - leeway >= *v) return Failure{JwtError::expired};  // valid strictly before exp
    // The first whole second at which this check would refuse the token (an
    // `exp` centuries away, or beyond, is kept as "never").
    const double end = std::ceil(*v + leeway);
    expires_at = end < 1e15 ? static_cast<std::int64_t>(end) : 0;
  } else if (policy.require_exp) {
    // No lifetime at all: treated like one that has run out.
    return Failure{JwtError::expired};
  }
  if (const Json* nbf = find(claims, "nbf")) {
    const auto v = numeric_date(*nbf);
    if (!v) return Failure{JwtError::malformed};
    if (t + leeway < *v) return Failure{JwtError::not_yet_valid};
  }

  if (!policy.issuer.empty()) {
    const Json* iss = find(claims, "iss");
    if (iss == nullptr || !iss->is_string() || iss->get_ref<const std::string&>() != policy.issuer) {
      return Failure{JwtError::bad_issuer};
    }
  }
  if (!audience_ok(find(claims, "aud"), policy.audiences)) return Failure{JwtError::bad_audience};

  Principal p;
  p.expires_at = expires_at;
  const Json* user = find(claims, policy.user_claim);
  if (user != nullptr && user->is_string()) {
    p.id = user->get<std::string>();
  } else if (user != nullptr && user->is_number_integer()) {
    p.id = user->dump();  // decimal for both signed and unsigned; floats are refused
  }
  if (p.id.empty()) return Failure{JwtError::no_subject};

  for (const std::string& name_claim : policy.name_claims) {
    const Json* name = find(claims, name_claim);
    if (name != nullptr && name->is_string()) {
      p.name = name->get<std::string>();
      break;
    }
  }
  const Json* username = find(claims, policy.username_claim);
  p.username = username != nullptr && username->is_string() && !username->get_ref<const std::string&>().empty()
                   ? username->get<std::string>()
                   : p.name;
  return VerifiedToken{std::move(p), std::move(claims)};
}

}  // namespace gangway::auth
