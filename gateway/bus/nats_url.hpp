#pragma once
// NATS server URL lists ("nats://user:pass@host:4222, tls://[::1]:4443"), as
// nats.c takes them in one string: what the bus needs to know about them
// without nats.c.
#include <string>
#include <string_view>
#include <vector>

namespace gangway::bus {

// The host of each URL, in order, without brackets (IPv6) or user info.
// Empty entries are skipped.
std::vector<std::string> nats_url_hosts(std::string_view urls);

// The list as it may appear in a message or a log: a URL's user info
// (nats.c accepts "user:password@" or "token@") becomes "***@".
std::string redact_nats_url(std::string_view urls);

}  // namespace gangway::bus
