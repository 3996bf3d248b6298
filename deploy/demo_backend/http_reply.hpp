#pragma once
// What a route's logic answers, independent of the HTTP library, so the
// logic can be called (and tested) without a server.
#include <string>

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

}  // namespace demo
