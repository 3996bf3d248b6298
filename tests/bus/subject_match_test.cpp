#include "gateway/bus/subject_match.hpp"

#include <gtest/gtest.h>

namespace gangway::bus {
namespace {

struct MatchCase {
  const char* pattern;
  const char* subject;
  bool matches;
};

TEST(SubjectMatch, Table) {
  const MatchCase cases[] = {
      {"gw.out.app.dm.2", "gw.out.app.dm.2", true},
      {"gw.out.app.dm.2", "gw.out.app.dm.3", false},
      {"gw.out.app.dm", "gw.out.app.dm.2", false},
      {"gw.out.app.dm.2.x", "gw.out.app.dm.2", false},
      {"gw.*.app", "gw.in.app", true},
      {"gw.*.app", "gw.in.other", false},
      {"gw.*", "gw.in.app", false},
      {"*", "gw", true},
      {"*", "gw.in", false},
      {"*.*", "gw.in", true},
      {"gw.>", "gw.in", true},
      {"gw.>", "gw.in.app.message.dm.2", true},
      {"gw.>", "gw", false},
      {">", "gw", true},
      {">", "a.b.c", true},
      {"gw.*.app.>", "gw.in.app.connect", true},
      {"gw.*.app.>", "gw.in.app", false},
      {"gw.in.*.message.>", "gw.in.circles.message.dm.2", true},
      {"_INBOX.abc.*", "_INBOX.abc.17", true},
      // Wildcards count only as whole tokens.
      {"gw*", "gwx", false},
      {"gw*", "gw*", true},
      {"gw.a>", "gw.a>", true},
      {"gw.a>", "gw.ab", false},
      // Invalid input never matches.
      {"gw..x", "gw..x", false},
      {"gw.>.x", "gw.a.x", false},
      {"", "", false},
      {"gw.*", "gw.*", false},  // a subject may not hold a wildcard
      {"gw.in", "gw.in.", false},
      {".gw", ".gw", false},
      {"gw in", "gw in", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(subject_matches(c.pattern, c.subject), c.matches) << c.pattern << " vs " << c.subject;
  }
}

TEST(SubjectMatch, Validity) {
  EXPECT_TRUE(is_valid_subject("gw.in.app.message.dm.2"));
  EXPECT_TRUE(is_valid_subject("a"));
  EXPECT_TRUE(is_valid_subject("gw.a-b_c.x"));
  EXPECT_FALSE(is_valid_subject(""));
  EXPECT_FALSE(is_valid_subject("gw..in"));
  EXPECT_FALSE(is_valid_subject("gw.in."));
  EXPECT_FALSE(is_valid_subject("gw.*"));
  EXPECT_FALSE(is_valid_subject("gw.>"));
  EXPECT_FALSE(is_valid_subject("gw.in\tx"));
  EXPECT_FALSE(is_valid_subject("gw.in\nx"));

  EXPECT_TRUE(is_valid_pattern("gw.*.app.>"));
  EXPECT_TRUE(is_valid_pattern(">"));
  EXPECT_TRUE(is_valid_pattern("*"));
  EXPECT_FALSE(is_valid_pattern("gw.>.app"));
  EXPECT_FALSE(is_valid_pattern("gw..app"));
  EXPECT_FALSE(is_valid_pattern(""));
  EXPECT_FALSE(is_valid_pattern("gw app"));
}

}  // namespace
}  // namespace gangway::bus
