#!/bin/sh
# Daily certificate watch for the analytics-extension fleet (TabPy / Rserve), for cron:
#
#   15 6 * * *  TARGETS_FILE=/etc/chaincheck/targets.txt CA_FILE=/etc/chaincheck/corp-root.pem /opt/chaincheck/monitor-certificates.sh
#
# chaincheck's exit code says what happened (see `chaincheck --help`):
#   0  every target passed (warnings such as "expires within WARN_DAYS" allowed)
#   1  a target failed: not trusted, or a gate failed (--min-days, pins)
#   2  usage error or unreadable input: this script or its files are wrong
#   3  a target could not be checked (refused, timeout, not TLS) and none failed
# One line per target (--quiet) goes to syslog; the full JSON report is kept in REPORT_DIR for support.
#
# Try it against this repository's fixtures (after `npm run build`), with TabPy-like servers on loopback:
#   CHAINCHECK="node dist/src/cli/main.js" TARGETS_FILE=my-targets.txt CA_FILE=fixtures/ca/root.pem \
#     NOTIFY=cat REPORT_DIR=/tmp sh examples/monitor-certificates.sh
set -u

CHAINCHECK=${CHAINCHECK:-chaincheck}
TARGETS_FILE=${TARGETS_FILE:-/etc/chaincheck/targets.txt}
CA_FILE=${CA_FILE:-}                 # empty: the system trust store (what the Tableau machine trusts)
WARN_DAYS=${WARN_DAYS:-30}           # warn this many days before a certificate on the path expires
MIN_DAYS=${MIN_DAYS:-7}              # fail when one expires sooner than this
REPORT_DIR=${REPORT_DIR:-/var/lib/chaincheck}
NOTIFY=${NOTIFY:-"logger -t chaincheck"}   # reads the message on stdin; e.g. "mail -s chaincheck ops@corp.example"

report="$REPORT_DIR/chaincheck-$(date -u +%Y%m%dT%H%M%SZ).json"
set -- --targets-file "$TARGETS_FILE" --warn-days "$WARN_DAYS" --min-days "$MIN_DAYS" \
  --quiet --no-color --timeout 10000 --concurrency 16 --format json --output "$report"
if [ -n "$CA_FILE" ]; then set -- "$@" --ca-file "$CA_FILE"; fi

# $CHAINCHECK is deliberately unquoted: it may be a command with arguments ("node dist/src/cli/main.js").
# shellcheck disable=SC2086
lines=$($CHAINCHECK "$@" 2>&1)
code=$?

case $code in
  0) summary="OK: every endpoint passed" ;;
  1) summary="FAILED: an endpoint is not trusted or breaks a gate" ;;
  3) summary="UNREACHABLE: an endpoint could not be checked (none failed)" ;;
  2) summary="CONFIGURATION ERROR: check $TARGETS_FILE and the options" ;;
  *) summary="chaincheck exited $code" ;;
esac

# Warnings do not change the exit code; say so anyway, once a day is the point of this script.
warned=$(printf '%s\n' "$lines" | grep -c '  WARN  ' || true)
if [ "$code" -eq 0 ] && [ "$warned" -gt 0 ]; then summary="OK with $warned warning(s): renew soon"; fi

printf 'chaincheck %s (report: %s)\n%s\n' "$summary" "$report" "$lines" | $NOTIFY
exit "$code"
