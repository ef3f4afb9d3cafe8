#!/usr/bin/env bash
# libntopclient.so exports exactly the functions ntopclient.h declares (nothing internal, no
# protobuf-c or ntopwire symbols), and the Lua module does not link liblua: Debian's lua5.4
# has Lua built in, and a second copy of Lua in one process breaks it.
set -u
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
: "${NTOP_CLIENT_LIB:?}" "${NTOP_LUA_MODULE:?}" "${NTOP_CLIENT_HEADER:?}"
if ! command -v nm >/dev/null || ! command -v readelf >/dev/null; then skip "nm/readelf (binutils) not found"; fi

# The functions of the header: "type name(" at the start of a declaration.
grep -v "^static" "$NTOP_CLIENT_HEADER" | grep -oE '^[a-z][a-z_ *]* \**(ntop_[a-z_]+)\(' |
    sed -E 's/.*(ntop_[a-z_]+)\($/\1/' | sort -u >"$TMP/header"
nm -D --defined-only "$NTOP_CLIENT_LIB" | awk '$2 == "T" {print $3}' | sed 's/@.*//' |
    sort -u >"$TMP/exported"
check "the header declares functions" "$(cat "$TMP/header")" test "$(wc -l <"$TMP/header")" -ge 25
check "libntopclient.so exports exactly ntopclient.h" "$(diff "$TMP/header" "$TMP/exported")" \
    cmp -s "$TMP/header" "$TMP/exported"
check "libntopclient.so does not need liblua" "$(readelf -d "$NTOP_CLIENT_LIB" | grep NEEDED)" \
    bash -c "! readelf -d '$NTOP_CLIENT_LIB' | grep -q 'NEEDED.*liblua'"
check "the Lua module does not link liblua" "$(readelf -d "$NTOP_LUA_MODULE" | grep NEEDED)" \
    bash -c "! readelf -d '$NTOP_LUA_MODULE' | grep -q 'NEEDED.*liblua'"
check "the Lua module exports luaopen_ntopclient" "" \
    bash -c "nm -D --defined-only '$NTOP_LUA_MODULE' | grep -q ' T luaopen_ntopclient$'"
finish
