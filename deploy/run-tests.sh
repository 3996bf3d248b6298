#!/usr/bin/env bash
# Installs what is missing, builds everything with -j2 and runs every test (unit and
# integration: the integration tests start their own nats-server, demo backend and
# gateways on free loopback ports; every fuzz target once over its regressions and
# corpus). Fuzzing proper is tests/fuzz/fuzz.sh (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
# Check: -O1 without debug information (CMakeLists.txt), the same tree the demo builds.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Check -DGANGWAY_TESTS=ON  # the demo may have configured it without
cmake --build build -j2
# Three at once on two cores: most tests wait on the processes they start.
(cd build && ctest --output-on-failure -j3 --timeout 300)
