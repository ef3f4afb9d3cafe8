#!/usr/bin/env bash
# Installs the interop client's pinned packages (package-lock.json) into the BUILD tree:
#   npm_ci.sh BUILD_DIR     (BUILD_DIR holds the copied package.json and package-lock.json)
# Skips the reinstall when node_modules already matches the lock file. Exit 77 (skipped)
# without node/npm: Debian's nodejs and npm packages.
set -u

dir=${1:?usage: npm_ci.sh BUILD_DIR}
cd "$dir" || exit 1

loud_skip() {
    echo "******************************************************************" >&2
    echo "SKIP: $*" >&2
    echo "******************************************************************" >&2
    echo "SKIP: $*"
    exit 77
}

command -v node >/dev/null 2>&1 || loud_skip "node not found: the gRPC interop test cannot run (apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || loud_skip "npm not found: the gRPC interop test cannot run (apt-get install nodejs npm)"

stamp=node_modules/.ntop-interop-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp" && [ -d node_modules/@grpc/grpc-js ] &&
    [ -d node_modules/@grpc/proto-loader ]; then
    echo "npm_ci: node_modules in $dir is up to date"
    exit 0
fi

echo "npm_ci: node $(node --version), npm $(npm --version): npm ci in $dir"
# No install scripts: the two packages and their dependencies are plain JavaScript.
if ! npm ci --ignore-scripts --no-audit --no-fund; then
    echo "FAIL: npm ci failed in $dir (is the npm registry reachable?)"
    exit 1
fi
cp package-lock.json "$stamp"
