#include "gateway/bus/bus.hpp"

namespace gangway::bus {

std::string_view to_string(BusError e) {
  switch (e) {
    case BusError::ok: return "ok";
    case BusError::not_connected: return "not_connected";
    case BusError::timeout: return "timeout";
    case BusError::no_responders: return "no_responders";
    case BusError::rejected: return "rejected";
    case BusError::failed: return "failed";
  }
  return "unknown";
}

}  // namespace gangway::bus
