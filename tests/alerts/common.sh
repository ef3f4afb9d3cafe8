# Shared by the alert tests: the probe, the capture, sqlite3 as the independent oracle.
set -u
[ -f "$NTOP_PCAP" ] || { echo "SKIP: capture not found ($NTOP_PCAP): ../shared is absent"; exit 77; }
command -v sqlite3 >/dev/null || { echo "SKIP: the sqlite3 CLI is not installed"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="$dir/data/0/alerts/alerts.sqlite"
fails=0

probe() {
    timeout 60 "$NTOP_PROBE" -q -i "$NTOP_PCAP" -m 192.168.1.0/24 -d "$dir/data" \
        --shutdown-when-done "$@"
}

sql() {
    sqlite3 -batch "$db" "$1"
}

# expect NAME ACTUAL EXPECTED
expect() {
    if [ "$2" = "$3" ]; then
        echo "ok: $1"
    else
        echo "FAIL: $1: expected '$3', got '$2'"
        fails=$((fails + 1))
    fi
}
