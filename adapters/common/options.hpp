#pragma once
// Reading a dialect's typed options from an app's "options" object, once, when
// the config is loaded (registry.hpp). Every key must be one the dialect
// reads, every value of the right type and range: a mistake is a
// --check-config error naming the key, never a silent default.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "gateway/core/model.hpp"

namespace gangway::adapters {

class OptionReader {
 public:
  // `options` is the app's "options": an object, or null for none.
  OptionReader(const Json& options, std::string_view dialect);

  // The integer at `key`, from `min` to `max`; `fallback` if the key is absent.
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max);
  // The string at `key`, one of `allowed`; `fallback` if the key is absent.
  std::string choice(std::string_view key, std::string_view fallback, std::initializer_list<std::string_view> allowed);
  // The JSON pointer at `key` ("" or "/a/b"); `fallback` if the key is absent.
  std::string json_pointer(std::string_view key, std::string_view fallback);

  // After every read: the first problem ("options.window_hours must be …",
  // "options.windw_hours is not an option of circles (it has: window_hours)"), or nullopt.
  std::optional<std::string> problem() const;

 private:
  void fail(std::string problem);
  const Json& options_;
  std::string dialect_;
  std::set<std::string, std::less<>> known_;
  std::optional<std::string> problem_;
};

}  // namespace gangway::adapters
