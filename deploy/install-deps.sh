#!/usr/bin/env bash
# Installs the Debian 12 packages ntop-probe builds and tests with. Needs root (or sudo).
set -euo pipefail

packages=(
    build-essential cmake pkg-config clang-format
    libpcap-dev libndpi-dev liblua5.4-dev libuv1-dev
    libgrpc-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler
    libreadline-dev libhiredis-dev
    libcrypt-dev libssl-dev openssl libsqlite3-dev
    redis-server
    lua5.4 lua-dkjson
    libcmocka-dev
    # oracles and test tools
    libndpi-bin tshark wireshark-common python3 iproute2 valgrind sqlite3
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js for the gRPC interop test: Debian's, unless a node and npm are already there (the
# machine image may ship its own, which Debian's packages would conflict with).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all packages present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root (missing: ${missing[*]})" >&2; exit 1; }
    SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
