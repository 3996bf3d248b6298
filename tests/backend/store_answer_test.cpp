// A store's answer mapped to the stored object or the dialect's error, and a
// membership callout's answer to the list of ids the dialects read.
#include "gateway/backend/store_answer.hpp"

#include <gtest/gtest.h>

#include "gateway/backend/response_rule.hpp"

namespace gangway::backend {
namespace {

CalloutResult answered(int status, std::string_view body, const CalloutSpec& spec = {}) {
  return classify_response(spec, status, body);
}

CalloutResult unanswered_because(CalloutResult::Why why) {
  CalloutResult r;
  r.why = why;
  r.problem = "{frame:/data/conversation_id}";
  return r;
}

ErrorCode code_of(const Result<Json, StoreRefusal>& r) { return r ? ErrorCode::internal : r.error().code; }

TEST(StoreAnswer, TheStoredObjectIsWhereTheResponsePointerSays) {
  CalloutSpec spec;
  auto whole = store_answer(spec, answered(201, R"({"id":35,"text":"hi"})"));
  ASSERT_TRUE(whole);
  EXPECT_EQ((*whole)["id"], 35);
  spec.response_pointer = "/message";
  auto inner = store_answer(spec, answered(201, R"({"message":{"id":"m-1"},"conversation":{"id":"c"}})"));
  ASSERT_TRUE(inner);
  EXPECT_EQ(*inner, (Json{{"id", "m-1"}}));
}

TEST(StoreAnswer, NoBodyKeepsTheEventAsBuilt) {
  auto r = store_answer(CalloutSpec{}, answered(204, ""));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->is_null());
}

TEST(StoreAnswer, AnAnswerThatIsNotWhatTheConfigSaysIsAFailedStore) {
  CalloutSpec spec;
  spec.response_pointer = "/message";
  EXPECT_EQ(code_of(store_answer(spec, answered(201, R"({"msg":{}})"))), ErrorCode::store_failed);
  EXPECT_EQ(code_of(store_answer(spec, answered(201, R"({"message":"m-1"})"))), ErrorCode::store_failed);
  EXPECT_EQ(code_of(store_answer(CalloutSpec{}, answered(200, "[1,2]"))), ErrorCode::store_failed);
}

TEST(StoreAnswer, EachFailureStatusIsItsDialectError) {
  const std::pair<int, ErrorCode> cases[] = {
      {400, ErrorCode::store_invalid}, {422, ErrorCode::store_invalid},   {401, ErrorCode::forbidden},
      {403, ErrorCode::forbidden},     {404, ErrorCode::store_not_found}, {409, ErrorCode::store_failed},
      {302, ErrorCode::store_failed},  {500, ErrorCode::unavailable},     {503, ErrorCode::unavailable}};
  for (auto [status, code] : cases) {
    auto r = store_answer(CalloutSpec{}, answered(status, R"({"detail":"secret backend text"})"));
    ASSERT_FALSE(r) << status;
    EXPECT_EQ(r.error().code, code) << status;
    EXPECT_EQ(r.error().detail.find("secret"), std::string::npos) << "the backend's body is not shown";
  }
}

TEST(StoreAnswer, NoAnswerIsUnavailable) {
  using Why = CalloutResult::Why;
  for (Why why : {Why::unreachable, Why::timeout, Why::queue_full, Why::breaker_open, Why::cancelled, Why::shutdown,
                  Why::invalid})
    EXPECT_EQ(code_of(store_answer(CalloutSpec{}, unanswered_because(why))), ErrorCode::unavailable);
}

TEST(StoreAnswer, ATemplateValueThatFailsIsTheDialectsValidationError) {
  auto missing = store_answer(CalloutSpec{}, unanswered_because(CalloutResult::Why::missing_value));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::missing_field);
  EXPECT_NE(missing.error().detail.find("{frame:/data/conversation_id}"), std::string::npos);
  EXPECT_EQ(code_of(store_answer(CalloutSpec{}, unanswered_because(CalloutResult::Why::bad_value))),
            ErrorCode::invalid_id);
}

TEST(MembershipIds, DefaultsLeaveTheAnswerAlone) {
  Json answer = Json::parse(R"({"group_ids":[1,2]})");
  EXPECT_EQ(membership_ids(CalloutSpec{}, answer), answer);
}

TEST(MembershipIds, ListAndIdPointersReadAnyShape) {
  CalloutSpec spec;
  spec.list_pointer = "/groups";
  spec.id_pointer = "/id";
  Json answer = Json::parse(R"({"groups":[{"id":1,"name":"Developers"},{"id":"g-2"},{"name":"no id"},
                                           "g-3",4,{"id":1.5},null]})");
  EXPECT_EQ(membership_ids(spec, answer), Json::parse(R"(["1","g-2","g-3","4"])"));
  spec.list_pointer = "/data/channels";
  spec.id_pointer = "/channel/uuid";
  EXPECT_EQ(membership_ids(spec, Json::parse(R"({"data":{"channels":[{"channel":{"uuid":"c-1"}}]}})")),
            Json::parse(R"(["c-1"])"));
}

TEST(MembershipIds, NoListThereIsNoIds) {
  CalloutSpec spec;
  spec.list_pointer = "/groups";
  EXPECT_EQ(membership_ids(spec, Json::parse(R"({"group_ids":[1]})")), Json::array());
  EXPECT_EQ(membership_ids(spec, Json::parse(R"({"groups":{"id":1}})")), Json::array());
  spec.list_pointer = "";
  spec.id_pointer = "/id";
  EXPECT_EQ(membership_ids(spec, Json::parse(R"([{"id":"a"}])")), Json::parse(R"(["a"])")) << "a bare list";
}

}  // namespace
}  // namespace gangway::backend
