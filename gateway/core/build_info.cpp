#include "gateway/core/build_info.hpp"

namespace gangway {
namespace {
BuildInfo& stored() {
  static BuildInfo info;
  return info;
}
}  // namespace

void set_build_info(BuildInfo info) { stored() = std::move(info); }

const BuildInfo& build_info() { return stored(); }

}  // namespace gangway
