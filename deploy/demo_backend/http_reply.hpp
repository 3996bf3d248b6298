#pragma once
// What a route's logic answers, independent of the HTTP library, so the
// logic can be called (and tested) without a server.
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/model.hpp"

namespace demo {

struct HttpReply {
  int status = 200;
  gangway::Json body = gangway::Json::object();
};

// FastAPI's error shape, which the seeds' clients already parse: {"detail": "..."}.
inline HttpReply error_reply(int status, std::string detail) {
  return {status, gangway::Json{{"detail", std::move(detail)}}};
}

// A missing, expired or forged token (FastAPI's words).
inline HttpReply unauthorized() { return error_reply(401, "Could not validate credentials"); }

// A JSON object body; nullopt, with `error` set to 400 (not JSON) or 422 (not an object), otherwise.
inline std::optional<gangway::Json> object_body(std::string_view body, HttpReply& error) {
  gangway::Json j = gangway::Json::parse(body, nullptr, false);
  if (j.is_discarded()) {
    error = error_reply(400, "body is not valid JSON");
    return std::nullopt;
  }
  if (!j.is_object()) {
    error = error_reply(422, "body must be a JSON object");
    return std::nullopt;
  }
  return j;
}

}  // namespace demo
