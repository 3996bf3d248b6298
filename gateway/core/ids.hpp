#pragma once
#include <string>

namespace gangway {

// A random UUID v4 ("3f2c…-4…"), for gw.in envelope ids and Nats-Msg-Id.
std::string new_uuid();

// A short id unique within this process and very likely across gateways:
// "<prefix><random 32 bits in hex><counter in base 36>", valid as a subject token.
std::string new_short_id(char prefix);

}  // namespace gangway
