#!/usr/bin/env bash
# Installs what Gangway needs, from Debian packages (and npm for two test tools).
# Idempotent: a machine that already has them spends a second here.
#
#   deploy/install-deps.sh [build|demo|all]
#     build  compile gangway and the demo backend (the container image's build stage)
#     demo   build + what deploy/run-demo.sh runs (nats-server, the paste-ready client)
#     all    demo + every test's tools (the default; deploy/run-tests.sh)
#     bench  all + what the benchmarks drive besides gangway-load (tests/bench/passthrough-bench.sh)
#     reliability  all + clang, for tests/fuzz/fuzz.sh and tests/sanitize.sh (each calls it)
set -euo pipefail
profile=${1:-all}
build=(
  g++ cmake make pkg-config
  libboost-dev libboost-system-dev        # Beast + Asio
  zlib1g-dev                               # permessage-deflate (compressing once per event)
  libcpp-httplib-dev                       # backend callouts, demo backend
  nlohmann-json3-dev libsimdjson-dev       # JSON: the DOM everywhere; simdjson parses the hot paths
  libnats-dev                              # the bus
  libjwt-dev libssl-dev                    # JWT verification (libjwt) pinned by our own alg checks
  libcli11-dev                             # the command line (--help, --version, --log-level …): header-only, validators
)
demo=(
  nats-server                              # the real server the demo and the tests run against
  python3 python3-websockets curl          # the demo: deploy/ws-client.py, logging in
  iproute2                                 # ss: run-demo.sh names what holds a port it needs
)
tests=(
  openssl                                  # the TLS tests make a CA per test with the openssl CLI
  libgtest-dev libgmock-dev
  python3-jsonschema python3-yaml          # contract validation, deploy file checks in tests
  python3-prometheus-client                # /metrics read by the Prometheus and OpenMetrics parsers (tests/integration/check_metrics.py)
  golang-go                                # runs the Go snippets of docs/integrating.md, renders the Helm chart (stdlib only)
  chromium                                 # the demo page's browser test (tests/browser, driven by playwright-core)
  dpkg-dev systemd                         # the Debian package test: dpkg-shlibdeps, systemd-analyze verify
)
bench=(
  wrk                                      # HTTP load for the pass-through figure, the same client on both sides
)
reliability=(
  clang libclang-rt-14-dev                 # libFuzzer and the sanitizer runtimes clang links (not the test command's)
)
case $profile in
  build) packages=("${build[@]}") ;;
  demo) packages=("${build[@]}" "${demo[@]}") ;;
  all) packages=("${build[@]}" "${demo[@]}" "${tests[@]}") ;;
  bench) packages=("${build[@]}" "${demo[@]}" "${tests[@]}" "${bench[@]}") ;;
  reliability) packages=("${build[@]}" "${demo[@]}" "${tests[@]}" "${reliability[@]}") ;;
  *) echo "usage: $0 [build|demo|all|bench|reliability]" >&2; exit 2 ;;
esac
# node + npm run the AsyncAPI parser (tests/contracts) and playwright-core (tests/browser);
# a machine may already have them from elsewhere (NodeSource), whose nodejs conflicts with Debian's npm.
if [ "$profile" = all ] || [ "$profile" = bench ] || [ "$profile" = reliability ]; then
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi
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
[ "$profile" = all ] || [ "$profile" = bench ] || [ "$profile" = reliability ] || exit 0

# npm packages of the tests, each folder pinned by its package-lock.json:
# @asyncapi/parser (tests/contracts/node), playwright-core (tests/browser/node;
# it drives Debian's chromium and downloads no browser of its own).
for tools in "$(dirname "$0")"/../tests/contracts/node "$(dirname "$0")"/../tests/browser/node; do
  if ! cmp -s "$tools/package-lock.json" "$tools/node_modules/.gangway-lock" 2>/dev/null; then
    npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error
    cp "$tools/package-lock.json" "$tools/node_modules/.gangway-lock"
  fi
done
