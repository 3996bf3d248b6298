#pragma once
// Reading what pythia's backend and config tell the adapter: the membership
// list behind auto-join (bad input degrades to fewer channels, never to an
// exception), and the dialect's options (validated once, at config load).
#include <cstddef>
#include <string>
#include <vector>

#include "gateway/core/model.hpp"
#include "gateway/core/result.hpp"

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

// Which explicit join_channel / leave_channel frames announce user_joined /
// user_left: those of users the channel_access answer does not mark as
// members (their membership changes are the REST service's to announce),
// every one, or none.
enum class Announce { non_members, always, never };

struct Options {
  std::size_t max_auto_join = kDefaultMaxAutoJoin;
  TypingStop typing_stop = TypingStop::every_close;
  Announce announce = Announce::non_members;
  std::string member_pointer = "/member";  // in the channel_access answer: true marks a member
};

// The app's "options" (an object, or null): "max_auto_join_channels" (0 to
// 100,000), "typing_stop_on_close" ("every_close", "last_socket", "never"),
// "join_announcements" ("non_members", "always", "never") and
// "member_pointer" (a JSON pointer). A bad or unknown option is an error
// naming it (--check-config).
Result<Options, std::string> parse_options(const Json& options);

}  // namespace gangway::adapters::pythia
