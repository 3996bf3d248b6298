#pragma once
// Keeps an app's JwtVerifier in step with an identity provider's JSON Web Key
// Set (its `jwks_uri`, http or https).
//
// The set is fetched once before the constructor returns, then every
// `refresh` on a thread of its own, and sooner when a token names a `kid` no
// key has (the provider rotated its keys), at most once per
// min(refresh, 30 s) so a flood of made-up kids cannot turn into a flood of
// fetches. A failed fetch, or a set with no usable key, keeps the last good
// keys and is retried after 5 s: until a first fetch succeeds, tokens for the
// set's keys are refused (fail-closed), never accepted unchecked.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace gangway::auth {
class JwtVerifier;
}

namespace gangway {

class JwksRefresher {
 public:
  // Over https the server's certificate is verified against `ca_file` (PEM;
  // checked by Gateway::check) if given, else the system trust store.
  JwksRefresher(std::string app, std::string url, auth::JwtVerifier& verifier, std::chrono::seconds refresh,
                std::string ca_file = {});
  ~JwksRefresher();  // stops and joins the thread
  JwksRefresher(const JwksRefresher&) = delete;
  JwksRefresher& operator=(const JwksRefresher&) = delete;

 private:
  bool fetch();  // true once the verifier holds the fetched keys
  void run();
  void kick();   // from a verifying thread: an unknown kid

  std::string app_, url_, ca_file_;
  auth::JwtVerifier& verifier_;
  std::chrono::seconds refresh_, min_gap_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false, kicked_ = false, ok_ = false;  // ok_: the last fetch succeeded
  std::chrono::steady_clock::time_point last_fetch_;
  std::thread thread_;
};

}  // namespace gangway
