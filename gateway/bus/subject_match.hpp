#pragma once
// NATS subject rules, shared by LocalBus (which must match like the server
// does) and NatsBus (which refuses bad subjects before nats.c sees them).
// Tokens are separated by '.'; `*` matches exactly one token and `>` one or
// more trailing tokens, but only when they are a whole token: as in the server,
// `foo*` is a literal token.
#include <string_view>

namespace gangway::bus {

// A subject one can publish to: non-empty tokens, no whitespace, no wildcard tokens.
bool is_valid_subject(std::string_view subject);

// A subject one can subscribe to: as above, but `*` tokens anywhere and a `>` token last.
bool is_valid_pattern(std::string_view pattern);

// True if `subject` (no wildcards) is delivered to a subscription on `pattern`.
// Invalid input never matches.
bool subject_matches(std::string_view pattern, std::string_view subject);

}  // namespace gangway::bus
