#!/usr/bin/env bash
# Installs everything Gangway needs to build, run and test, from Debian packages.
# Idempotent: a machine that already has them spends a second here.
set -euo pipefail
packages=(
  g++ cmake make pkg-config
  libboost-dev libboost-system-dev        # Beast + Asio
  zlib1g-dev                               # permessage-deflate (compressing once per event)
  libcpp-httplib-dev                       # backend callouts, demo backend
  nlohmann-json3-dev libsimdjson-dev       # JSON: the DOM everywhere; simdjson parses the hot paths
  libnats-dev nats-server                  # the bus, and the real server tests run against
  libjwt-dev libssl-dev                    # JWT verification (libjwt) pinned by our own alg checks
  libgtest-dev libgmock-dev
  clang libclang-rt-14-dev                 # tests/fuzz: libFuzzer and the sanitizer runtimes clang links
  python3 python3-jsonschema python3-yaml  # contract validation, deploy file checks in tests
  python3-websockets curl                  # the demo: a ready-to-paste client, logging in
  golang-go                                # runs the Go snippets of docs/integrating.md (stdlib only)
)
# node + npm run the AsyncAPI parser (tests/contracts); a machine may already have
# them from elsewhere (NodeSource), whose nodejs conflicts with Debian's npm.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages of the contract tests (@asyncapi/parser), pinned by package-lock.json.
tools="$(dirname "$0")/../tests/contracts/node"
if ! cmp -s "$tools/package-lock.json" "$tools/node_modules/.gangway-lock" 2>/dev/null; then
  npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
  cp "$tools/package-lock.json" "$tools/node_modules/.gangway-lock"
fi
