#pragma once
// Reading what pythia's backend and config tell the adapter: the membership
// list behind auto-join, and the dialect's options. Pure; bad input degrades
// to the defaults or to fewer channels, never to an exception.
#include <cstddef>
#include <string>
#include <vector>

#include "gateway/core/model.hpp"

namespace gangway::adapters::pythia {

inline constexpr std::size_t kDefaultMaxAutoJoin = 1000;

// The channel ids in the "user_channels" callout's body, in order, without
// duplicates and without ids failing is_valid_id(), at most `limit`. Accepted
// shapes, so an existing endpoint can be used as it is:
//   ["id", …]   {"channel_ids": ["id", …]}   {"channels": [{"id": "id", …} | "id", …]}
// Anything else yields no channels.
std::vector<std::string> member_channels(const Json& body, std::size_t limit);

// When a closing socket sends typing_indicator is_typing=false to its channels.
enum class TypingStop { every_close, last_socket, never };

struct Options {
  std::size_t max_auto_join = kDefaultMaxAutoJoin;
  TypingStop typing_stop = TypingStop::every_close;
};

// `options` may be null or hold unknown keys; wrong types and values keep the default.
Options read_options(const Json* options);

}  // namespace gangway::adapters::pythia
