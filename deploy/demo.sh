#!/usr/bin/env bash
# Set-up command 1: install, build, and run the probe on its embedded default: the demo
# capture generated at build time, replayed and summarised by a Lua script.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$(nproc)"
exec build-release/bin/ntop-probe --demo "$@"
