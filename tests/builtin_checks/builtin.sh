#!/bin/sh
# Built-in checks (--checks, lualib/scripts/checks/): each case runs the probe on a capture
# that shows the behaviour and on one that must not trigger it, and reads the alerts back
# from the store with the sqlite3 CLI; tshark / ndpiReader name the expected entity.
# Usage: builtin.sh CASE (NTOP_PROBE, NTOP_SHARED_DIR, NTOP_TEST_DIR in the environment).
set -u
case_name=$1
e2e="$NTOP_SHARED_DIR/pcaps/ntopng-e2e"
ndpi="$NTOP_SHARED_DIR/pcaps/ndpi"
[ -d "$e2e" ] || { echo "SKIP: $e2e not found (../shared is absent)"; exit 77; }
for tool in sqlite3 tshark; do
    command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
run=0

# probe CAPTURE [options...]: a fresh data dir per run; sets $db.
probe() {
    run=$((run + 1))
    data="$tmp/data$run"
    mkdir -p "$data/checks"
    [ -n "${CONFIG:-}" ] && printf '%s\n' "$CONFIG" >"$data/checks/unexpected_servers.lua"
    pcap=$1
    shift
    timeout 60 "$NTOP_PROBE" -q -i "$pcap" -d "$data" --shutdown-when-done --checks "$@" \
        >"$tmp/out$run" 2>&1 || { echo "FAIL: probe on $pcap exited $?"; cat "$tmp/out$run"; fails=$((fails + 1)); }
    if grep -q "check .*:" "$tmp/out$run"; then
        echo "FAIL: a check script failed on $pcap:"; grep "check .*:" "$tmp/out$run"; fails=$((fails + 1))
    fi
    db="$data/0/alerts/alerts.sqlite"
    # ntopng's alerts_map: 32 hex digits, most significant first, the row's alert id set
    bad=$(sql "SELECT alert_id, alerts_map FROM flow_alerts" | awk -F'|' '
        { id = $1; m = $2
          if (length(m) != 32 || m !~ /^[0-9a-f]+$/) { print; next }
          d = index("0123456789abcdef", substr(m, 32 - int(id / 4), 1)) - 1
          if (int(d / 2 ^ (id % 4)) % 2 != 1) print }' | head -3)
    if [ -n "$bad" ]; then
        echo "FAIL: alerts_map without its alert id on $pcap: $bad"; fails=$((fails + 1))
    fi
}

# A flow's identity in flow_alerts (two flows of one second on the same ports look alike:
# the captures summed by it have none).
flow_cols="cli_ip, cli_port, srv_ip, srv_port, proto, vlan_id, first_seen"

# has_alert ID: SQL condition "the row's alerts_map has alert ID" (the nibble of the hex,
# most significant first, as the check in probe()).
has_alert() {
    echo "((instr('0123456789abcdef', substr(alerts_map, $((32 - $1 / 4)), 1)) - 1) & $((1 << ($1 % 4))))"
}

sql() {
    [ -f "$db" ] || return 0
    sqlite3 -batch "$db" "$1"
}

# expect NAME ACTUAL EXPECTED
expect() {
    if [ "$2" = "$3" ]; then
        echo "ok: $1"
    else
        printf 'FAIL: %s:\n  expected: %s\n  got:      %s\n' "$1" "$3" "$2"
        fails=$((fails + 1))
    fi
}

lines() { tr '\n' ' ' | sed 's/ $//'; }

# Host alert ALERT_ID: the hosts that have it, sorted.
host_alert_ips() { sql "SELECT DISTINCT ip FROM host_alerts WHERE alert_id = $1 ORDER BY ip" | lines; }
# Flow alert ALERT_ID: the servers of the flows that raised it (predominant or not), sorted.
flow_alert_srvs() { sql "SELECT DISTINCT srv_ip FROM flow_alerts WHERE $(has_alert $1) ORDER BY srv_ip" | sort | lines; }

tsh() { tshark -r "$@" 2>/dev/null; }

case "$case_name" in
syn_scan)
    # Oracle: hosts sending SYNs to >= 256 distinct <server, port> never answered with a
    # SYN-ACK (attackers), and hosts receiving them on >= 256 ports (victims).
    pcap="$e2e/synscan.pcap"
    tsh "$pcap" -Y "tcp.flags.syn==1 && tcp.flags.ack==0" -T fields -e ip.src -e ip.dst -e tcp.dstport | sort -u >"$tmp/syn"
    tsh "$pcap" -Y "tcp.flags.syn==1 && tcp.flags.ack==1" -T fields -e ip.dst -e ip.src -e tcp.srcport | sort -u >"$tmp/synack"
    comm -23 "$tmp/syn" "$tmp/synack" >"$tmp/unanswered"
    exp=$( { cut -f1 "$tmp/unanswered" | sort | uniq -c | awk '$1 >= 256 {print $2}';
             cut -f2,3 "$tmp/unanswered" | sort -u | cut -f1 | uniq -c | awk '$1 >= 256 {print $2}'; } | sort -u | lines)
    [ -n "$exp" ] || { echo "FAIL: tshark shows no scan in $pcap"; fails=$((fails + 1)); }
    probe "$pcap"
    expect "synscan.pcap: syn_scan (5) on the scanner and its victim" "$(host_alert_ips 5)" "$exp"
    expect "synscan.pcap: no syn_flood (6)" "$(host_alert_ips 6)" ""
    probe "$e2e/test_01.pcap"
    expect "test_01.pcap: no syn_scan" "$(host_alert_ips 5)" ""
    ;;
syn_flood)
    # Oracle: the host receiving unanswered SYNs from >= 256 distinct clients on < 256 ports.
    pcap="$e2e/synflood.pcap"
    exp=$(tsh "$pcap" -Y "tcp.flags.syn==1 && tcp.flags.ack==0" -T fields -e ip.dst -e ip.src | sort -u |
          cut -f1 | uniq -c | awk '$1 >= 256 {print $2}' | lines)
    [ -n "$exp" ] || { echo "FAIL: tshark shows no flood in $pcap"; fails=$((fails + 1)); }
    probe "$pcap"
    expect "synflood.pcap: syn_flood (6) on the victim" "$(host_alert_ips 6)" "$exp"
    expect "synflood.pcap: no syn_scan (5)" "$(host_alert_ips 5)" ""
    probe "$e2e/synscan.pcap"
    expect "synscan.pcap: no syn_flood" "$(host_alert_ips 6)" ""
    probe "$e2e/test_01.pcap"
    expect "test_01.pcap: no syn_flood" "$(host_alert_ips 6)" ""
    ;;
flow_flood)
    # Oracle: hosts starting >= 256 TCP/UDP conversations (client) or receiving them
    # (server) in one minute (the capture lasts less than a minute).
    pcap="$e2e/tcp-flood.pcap"
    tsh "$pcap" -q -z conv,tcp | awk '/<->/ {split($1, a, ":"); split($3, b, ":"); print a[1] "\t" b[1]}' >"$tmp/conv"
    exp=$( { cut -f1 "$tmp/conv" | sort | uniq -c | awk '$1 >= 256 {print $2}';
             cut -f2 "$tmp/conv" | sort | uniq -c | awk '$1 >= 256 {print $2}'; } | sort -u | lines)
    [ -n "$exp" ] || { echo "FAIL: tshark shows no flood in $pcap"; fails=$((fails + 1)); }
    probe "$pcap"
    expect "tcp-flood.pcap: flow_flood (4) on the attacker and the victim" "$(host_alert_ips 4)" "$exp"
    probe "$e2e/test_01.pcap"
    expect "test_01.pcap: no flow_flood" "$(host_alert_ips 4)" ""
    ;;
flow_risks)
    # Oracle: ndpiReader -v 2, each flow's [Risk: ** name **...] mapped to ntopng's alert
    # by ntop.getFlowRiskAlerts(); compared as <alert id, server> pairs.
    command -v ndpiReader >/dev/null || { echo "SKIP: ndpiReader is not installed"; exit 77; }
    "$NTOP_PROBE" -q -i "$e2e/dhcp_rogue.pcap" --shutdown-when-done --run-script "$NTOP_TEST_DIR/risk_map.lua" 2>/dev/null |
        grep -P '^\d+\t' >"$tmp/map"
    [ -s "$tmp/map" ] || { echo "FAIL: no risk map"; exit 1; }
    for name in tls_cert_expired selfsigned malware test_01; do
        pcap="$e2e/$name.pcap"
        ndpiReader -v 2 -i "$pcap" 2>/dev/null | grep -E '^\s+[0-9]+\s+(TCP|UDP)' | grep 'Risk:' |
            sed -E 's/^\s+[0-9]+\s+(TCP|UDP) //' |
            awk -v map="$tmp/map" 'BEGIN { FS = "\t"; while ((getline l < map) > 0) { split(l, f, "\t"); id[f[2]] = f[1] } FS = " " }
                { srv = $3; sub(/:[0-9]+$/, "", srv); sub(/^\[/, "", srv); sub(/\]$/, "", srv)
                  r = $0; sub(/.*\[Risk: \*\* /, "", r); sub(/ \*\*\].*/, "", r)
                  n = split(r, rs, / \*\*\*\* /)
                  for (i = 1; i <= n; i++) if (rs[i] in id) print id[rs[i]] "|" srv }' | sort -u >"$tmp/exp"
        if [ "$name" != test_01 ] && [ ! -s "$tmp/exp" ]; then
            echo "FAIL: ndpiReader shows no mapped risk in $pcap"; fails=$((fails + 1))
        fi
        probe "$pcap" --checks-dir "$NTOP_TEST_DIR/scripts/score"
        q=$(cut -f1 "$tmp/map" | while read -r id; do
                echo "SELECT '$id|' || srv_ip FROM flow_alerts WHERE $(has_alert "$id") UNION"
            done)
        got=$(sql "${q%UNION}" | sort -u | lines)
        expect "$name.pcap: risk alerts = ndpiReader's risks" "$got" "$(lines <"$tmp/exp")"
        # Flow alert scores go to the hosts: host.score() at the last host run (flows still
        # in memory) adds up to the flows' scores, each flow's last row.
        hosts=$(grep '^score ' "$tmp/out$run" | awk '{ s[$2] = $3 } END { t = 0; for (h in s) t += s[h]; print t }')
        expect "$name.pcap: sum of host.score() = sum of the flows' scores" "$hosts" \
            "$(sql "SELECT coalesce(sum(s), 0) FROM (SELECT max(score) AS s FROM flow_alerts GROUP BY $flow_cols)")"
    done
    ;;
tls_certs)
    # Oracle: tshark's TLS handshake: the server that sent the certificate.
    pcap="$e2e/selfsigned.pcap"
    exp=$(tsh "$pcap" -Y "tls.handshake.certificate" -T fields -e ip.src | sort -u | lines)
    probe "$pcap"
    expect "selfsigned.pcap: tls_certificate_selfsigned (28) on the certificate's server" "$(flow_alert_srvs 28)" "$exp"
    pcap="$e2e/tls_cert_expired.pcap"
    exp=$(tsh "$pcap" -Y "tls.handshake.certificate" -T fields -e ip.src | sort -u | lines)
    probe "$pcap"
    expect "tls_cert_expired.pcap: tls_certificate_expired (22) on the certificate's server" "$(flow_alert_srvs 22)" "$exp"
    expect "tls_cert_expired.pcap: no tls_certificate_selfsigned" "$(flow_alert_srvs 28)" ""
    probe "$e2e/test_01.pcap"
    expect "test_01.pcap: no tls_certificate_selfsigned" "$(flow_alert_srvs 28)" ""
    ;;
dns_exfiltration)
    # Oracle: tshark's DNS queries with a label of 50+ characters or a 64+ character name.
    pcap="$ndpi/dns_exfiltration.pcap"
    [ -f "$pcap" ] || { echo "SKIP: $pcap not found"; exit 77; }
    exp=$(tsh "$pcap" -Y "dns.flags.response==0" -T fields -e ip.dst -e dns.qry.name |
          awk -F'\t' '{ n = split($2, l, "."); long = length($2) >= 64; for (i = 1; i <= n; i++) if (length(l[i]) >= 50) long = 1; if (long) print $1 }' |
          sort -u | lines)
    [ -n "$exp" ] || { echo "FAIL: tshark shows no long query in $pcap"; fails=$((fails + 1)); }
    probe "$pcap"
    expect "dns_exfiltration.pcap: dns_data_exfiltration (6) towards the resolver" "$(flow_alert_srvs 6)" "$exp"
    probe "$e2e/test_01.pcap"
    expect "test_01.pcap: no dns_data_exfiltration" "$(flow_alert_srvs 6)" ""
    probe "$e2e/dns_contacts.pcap"
    expect "dns_contacts.pcap: no dns_data_exfiltration" "$(flow_alert_srvs 6)" ""
    ;;
unexpected_servers)
    # Without configuration: silent.
    probe "$e2e/ntp_contacts.pcap"
    expect "ntp_contacts.pcap without configuration: no unexpected server alert" \
        "$(sql "SELECT count(*) FROM flow_alerts WHERE $(has_alert 32) OR $(has_alert 33) OR $(has_alert 35)")" "0"
    # Oracle: tshark's NTP servers (destinations of client-mode packets) but the allowed one.
    pcap="$e2e/ntp_contacts.pcap"
    allowed=$(tsh "$pcap" -Y "ntp.flags.mode==3" -T fields -e ip.dst | sort -u | head -1)
    exp=$(tsh "$pcap" -Y "ntp.flags.mode==3" -T fields -e ip.dst | sort -u | grep -vx "$allowed" | lines)
    CONFIG="return { ntp = { \"$allowed\" } }"
    probe "$pcap"
    expect "ntp_contacts.pcap: unexpected_ntp_server (35) for every server but $allowed" "$(flow_alert_srvs 35)" "$exp"
    pcap="$e2e/dhcp_rogue.pcap"
    exp=$(tsh "$pcap" -Y "udp.dstport==67" -T fields -e ip.dst | sort -u | grep -vx 192.168.1.254 | lines)
    CONFIG='return { dhcp = { "192.168.1.254" } }'
    probe "$pcap"
    expect "dhcp_rogue.pcap: unexpected_dhcp_server (32) for the server not allowed" "$(flow_alert_srvs 32)" "$exp"
    # test_01's resolvers, all allowed: nothing; none allowed: each resolver.
    dns=$(tsh "$e2e/test_01.pcap" -Y "dns.flags.response==0 && udp" -T fields -e ip.dst | sort -u)
    CONFIG="return { dns = { $(echo "$dns" | sed 's/.*/"&"/' | paste -sd,) }, ntp = { \"192.0.2.1\" } }"
    probe "$e2e/test_01.pcap"
    expect "test_01.pcap, its resolvers allowed: no unexpected server alert" \
        "$(sql "SELECT count(*) FROM flow_alerts WHERE $(has_alert 32) OR $(has_alert 33) OR $(has_alert 35)")" "0"
    CONFIG='return { dns = {} }'
    probe "$e2e/test_01.pcap"
    expect "test_01.pcap, no resolver allowed: unexpected_dns_server (33) per resolver" "$(flow_alert_srvs 33)" "$(echo "$dns" | lines)"
    ;;
blacklisted)
    bl="$tmp/blacklist.txt"
    printf '# test_01 hosts\n192.168.1.93\n' >"$bl"
    probe "$e2e/test_01.pcap" --blacklist "$bl"
    expect "test_01.pcap with --blacklist: host alert 24 (blacklisted) on the listed host" \
        "$(sql "SELECT DISTINCT ip FROM host_alerts WHERE alert_id = 24 AND json LIKE '%blacklisted%'" | lines)" "192.168.1.93"
    probe "$e2e/test_01.pcap"
    expect "test_01.pcap without --blacklist: none" \
        "$(sql "SELECT count(*) FROM host_alerts WHERE alert_id = 24")" "0"
    ;;
host_release)
    # The engine calls alerts_host_checks_begin/end around each host's minute scripts: an
    # alert host.triggerAlert no longer raises is released. dns_contacts.pcap spans three
    # minute runs (13:49, 13:50 and the end of the file).
    pcap="$e2e/dns_contacts.pcap"
    for mode in first always; do
        timeout 60 "$NTOP_PROBE" -q -i "$pcap" -d "$tmp/$mode" --shutdown-when-done \
            --checks-dir "$NTOP_TEST_DIR/scripts/$mode" --run-script "$NTOP_TEST_DIR/engaged.lua" \
            2>&1 >"$tmp/$mode.out"
        db="$tmp/$mode/0/alerts/alerts.sqlite"
        eval "${mode}_rows=\$(sql 'SELECT count(*) FROM host_alerts WHERE alert_id = 24')"
        eval "${mode}_engaged=\$(grep '^engaged ' \"\$tmp/$mode.out\" | cut -d' ' -f2)"
    done
    [ "${first_rows:-0}" -gt 0 ] || { echo "FAIL: no host alert stored ($first_rows)"; fails=$((fails + 1)); }
    expect "alerts triggered on the first run only: released by the later runs" "$first_engaged" "0"
    expect "alerts triggered at every run: all still engaged after the capture" \
        "$always_engaged" "$always_rows"
    [ "${always_engaged:-0}" -gt 0 ] || { echo "FAIL: nothing engaged"; fails=$((fails + 1)); }
    ;;
scan_release)
    # The scan and flood host alerts are released at the first minute run where the
    # condition no longer holds. The unanswered-contact counters are fed when flows end, so
    # flows are purged when idle (--pcap-file-purge-flows): synscan.pcap followed, 130 s
    # after its end, by test_01.pcap (editcap -t, mergecap into the test's temporary
    # directory): the scan's flows end at test_01's first packet, the 15:11 run engages
    # syn_scan, the end-of-file run, with nothing new unanswered, releases it.
    for tool in editcap mergecap capinfos; do
        command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
    done
    scan="$e2e/synscan.pcap"
    end=$(capinfos -T -r -e -S "$scan" | cut -f2 | cut -d. -f1)
    start=$(capinfos -T -r -a -S "$e2e/test_01.pcap" | cut -f2 | cut -d. -f1)
    editcap -t $((end + 130 - start)) "$e2e/test_01.pcap" "$tmp/later.pcap"
    mergecap -F pcap -w "$tmp/merged.pcap" "$scan" "$tmp/later.pcap"
    both=$(printf '172.16.0.8\n64.13.134.52\n' | sort | lines)
    for mode in scan merged; do
        pcap="$scan"
        [ $mode = merged ] && pcap="$tmp/merged.pcap"
        timeout 60 "$NTOP_PROBE" -q -i "$pcap" -d "$tmp/$mode" --shutdown-when-done --checks \
            --pcap-file-purge-flows --run-script "$NTOP_TEST_DIR/engaged_ids.lua" 2>&1 >"$tmp/$mode.out"
        db="$tmp/$mode/0/alerts/alerts.sqlite"
        eval "${mode}_engaged=\$(grep '^engaged 5 ' \"\$tmp/$mode.out\" | cut -d' ' -f3 | sort | lines)"
        eval "${mode}_stored=\$(host_alert_ips 5)"
    done
    expect "synscan.pcap alone: syn_scan still engaged at the end" "$scan_engaged" "$both"
    expect "synscan.pcap then a quiet minute: syn_scan released" "$merged_engaged" ""
    expect "synscan.pcap then a quiet minute: both syn_scan alerts stored" "$merged_stored" "$both"
    expect "synscan.pcap then a quiet minute: flow_flood released too" "$(grep -c '^engaged 4 ' "$tmp/merged.out")" "0"
    expect "synscan.pcap then a quiet minute: flow_flood stored" "$(host_alert_ips 4)" "$both"
    ;;
same_alerts)
    # The scripts' "-- @only:" conditions (tested in C before Lua) only skip runs that would
    # do nothing: every capture gives the same stored alerts with the built-in scripts as
    # installed and with a copy of them without those lines (each runs on every object).
    # Alerts are compared whole but for the row id and the (wall-clock) timestamps.
    builtin="$(dirname "$NTOP_PROBE")/../share/ntop-probe/scripts/lua/checks"
    [ -d "$builtin" ] || { echo "FAIL: $builtin not found"; exit 1; }
    grep -rlq -- '^-- @only:' "$builtin" || { echo "FAIL: no built-in script has a condition"; exit 1; }
    mkdir -p "$tmp/scripts_plain"
    cp -r "$builtin/." "$tmp/scripts_plain/"
    find "$tmp/scripts_plain" -name '*.lua' -exec sed -i '/^-- @only:/d' {} +
    ! grep -rq -- '@only' "$tmp/scripts_plain" || { echo "FAIL: conditions left in the copy"; exit 1; }
    # dump DATA_DIR: every alert table, sorted, without rowid / tstamp / tstamp_end.
    dump() {
        adb="$1/0/alerts/alerts.sqlite"
        [ -f "$adb" ] || return 0
        for t in flow_alerts host_alerts interface_alerts network_alerts system_alerts; do
            cols=$(sqlite3 "$adb" "SELECT group_concat(name, ',') FROM pragma_table_info('$t') WHERE name NOT IN ('rowid', 'tstamp', 'tstamp_end')")
            sqlite3 -csv "$adb" "SELECT '$t', $cols FROM $t" | sort
        done
    }
    bl="$tmp/blacklist.txt"
    printf '192.168.1.93\n10.10.10.10\n' >"$bl"
    # both NAME CAPTURE [options]: the two runs, compared.
    both() {
        name=$1 pcap=$2
        shift 2
        for mode in conditions plain; do
            data="$tmp/$mode"
            rm -rf "$data"
            mkdir -p "$data/checks"
            [ -n "${CONFIG:-}" ] && printf '%s\n' "$CONFIG" >"$data/checks/unexpected_servers.lua"
            if [ $mode = conditions ]; then set -- --checks "$@"; else shift; set -- --checks-dir "$tmp/scripts_plain" "$@"; fi
            timeout 60 "$NTOP_PROBE" -q -i "$pcap" -d "$data" --shutdown-when-done "$@" >"$tmp/out" 2>&1 ||
                { echo "FAIL: probe on $pcap exited $?"; cat "$tmp/out"; fails=$((fails + 1)); }
            dump "$data" >"$tmp/$mode.alerts"
        done
        n=$(wc -l <"$tmp/plain.alerts")
        if cmp -s "$tmp/conditions.alerts" "$tmp/plain.alerts"; then
            echo "ok: $name: same $n alerts"
            total=$((total + n))
        else
            echo "FAIL: $name: alerts differ (< with conditions, > without):"
            diff "$tmp/conditions.alerts" "$tmp/plain.alerts" | head -10
            fails=$((fails + 1))
        fi
    }
    total=0
    for pcap in "$e2e"/*.pcap "$ndpi/dns_exfiltration.pcap"; do
        [ -f "$pcap" ] && both "$(basename "$pcap")" "$pcap"
    done
    both "synscan.pcap, purged" "$e2e/synscan.pcap" --pcap-file-purge-flows
    # Releases: the scan, then test_01 130 s later (scan_release's capture): syn_scan and
    # flow_flood are engaged at one minute run and released at the next.
    if command -v editcap >/dev/null && command -v mergecap >/dev/null && command -v capinfos >/dev/null; then
        end=$(capinfos -T -r -e -S "$e2e/synscan.pcap" | cut -f2 | cut -d. -f1)
        start=$(capinfos -T -r -a -S "$e2e/test_01.pcap" | cut -f2 | cut -d. -f1)
        editcap -t $((end + 130 - start)) "$e2e/test_01.pcap" "$tmp/later.pcap"
        mergecap -F pcap -w "$tmp/merged.pcap" "$e2e/synscan.pcap" "$tmp/later.pcap"
        both "synscan.pcap + test_01.pcap, purged" "$tmp/merged.pcap" --pcap-file-purge-flows
    fi
    both "test_01.pcap, blacklist" "$e2e/test_01.pcap" --blacklist "$bl"
    both "tcp-flood.pcap, blacklist" "$e2e/tcp-flood.pcap" --blacklist "$bl"
    CONFIG='return { dns = {}, dhcp = { "192.168.1.254" }, ntp = {} }'
    for name in test_01 dhcp_rogue ntp_contacts bad-dns-traffic; do
        both "$name.pcap, unexpected servers" "$e2e/$name.pcap"
    done
    CONFIG=
    # An oracle that cannot pass on nothing: the set raises hundreds of alerts.
    [ "$total" -ge 100 ] || { echo "FAIL: only $total alerts compared"; fails=$((fails + 1)); }
    ;;
totals)
    # The whole --checks set changes no capture total.
    pcap="$e2e/test_01.pcap"
    for mode in with without; do
        opt=""
        [ $mode = with ] && opt="--checks"
        timeout 60 "$NTOP_PROBE" -q -i "$pcap" -d "$tmp/t$mode" --shutdown-when-done $opt \
            --run-script "$NTOP_TEST_DIR/totals.lua" 2>/dev/null >"$tmp/$mode"
    done
    [ -s "$tmp/without" ] || { echo "FAIL: no totals"; fails=$((fails + 1)); }
    expect "test_01.pcap: totals with --checks = without" "$(lines <"$tmp/with")" "$(lines <"$tmp/without")"
    ;;
*)
    echo "unknown case $case_name"
    exit 2
    ;;
esac
[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "PASS"
