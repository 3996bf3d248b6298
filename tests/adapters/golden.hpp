#pragma once
// The golden-table harness of the adapter tests: each client frame of a seed,
// verbatim, with the Action it must become and the seed's answer, checked
// byte for byte (tests/contracts validates the recorded frames as well).
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "tests/adapters/action_assertions.hpp"
#include "tests/adapters/frame_assertions.hpp"

namespace gangway::adapters::testing {

struct ClientCase {
  const char* name;
  const char* frame;  // verbatim from the seed
  Action want;
  const char* reply = "";  // the seed's answer (pretty-printed as the seed shows it), or "" where it shows none
};

// Decodes every case for `session`: the Action, then the reply.
inline void expect_client_cases(const Adapter& adapter, const SessionInfo& session,
                                const std::vector<ClientCase>& cases) {
  for (const ClientCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto got = adapter.decode(c.frame, session);
    ASSERT_TRUE(got.ok()) << got.error().detail;
    expect_action(*got, c.want);
    if (std::string_view(c.reply).empty()) {
      EXPECT_EQ(got->reply, "");
    } else {
      expect_seed_frame(got->reply, c.reply);
    }
  }
}

}  // namespace gangway::adapters::testing
