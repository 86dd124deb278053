#!/usr/bin/env bash
# Installs what chaincheck's tests need that npm does not provide, on a Debian machine, as root:
#   r-cran-rserve  the real Rserve (TLS compiled in), started by test/support/rserve.ts
#   openssl        /usr/bin/openssl, which issues the test certificates
#   chromium       headless Chromium, which renders the HTML report to a screenshot
#   promtool       Prometheus's checker (metrics, alert rules), extracted alone from Debian's `prometheus` package
#                  into .tmp/bin/ of this repository: the package is never installed, so no Prometheus server is
#                  set up or started (its postinst would start one on :9090). Needs no root.
# Idempotent: installs only what is missing (apt-get update only then). Exits non-zero on failure.
# Usage: bash scripts/ci-deps.sh
set -euo pipefail

log() { printf '[ci-deps] %s\n' "$*"; }
fail() { printf '[ci-deps] ERROR: %s\n' "$*" >&2; exit 1; }

# True when dpkg reports the package fully installed (not merely known, nor "config-files").
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }

rserve_binary() { Rscript -e 'cat(system.file("libs","Rserve",package="Rserve"))' 2>/dev/null || true; }

rserve_ok() { installed r-cran-rserve && command -v R >/dev/null 2>&1 && [ -x "$(rserve_binary)" ]; }
openssl_ok() { installed openssl && [ -x /usr/bin/openssl ]; }
chromium_ok() { installed chromium && [ -x /usr/bin/chromium ]; }

command -v dpkg-query >/dev/null 2>&1 || fail "not a Debian-family system (no dpkg-query); install R's Rserve package and OpenSSL by hand"

PROMTOOL_DIR="$(cd "$(dirname "$0")/.." && pwd)/.tmp/bin"
promtool_ok() { [ -x "$PROMTOOL_DIR/promtool" ] && "$PROMTOOL_DIR/promtool" --version >/dev/null 2>&1; }

# apt-get download + dpkg-deb -x of usr/bin/promtool only (about 19 MB downloaded, 48 MB kept).
install_promtool() {
  local work deb
  work=$(mktemp -d)
  chmod 755 "$work"
  chown _apt "$work" 2>/dev/null || true # lets apt download as its sandbox user
  if ! (cd "$work" && apt-get -o Acquire::Retries=3 download -qq prometheus >/dev/null 2>&1); then
    [ "$(id -u)" -eq 0 ] || { rm -rf "$work"; fail "apt-get download prometheus failed (package lists out of date? run apt-get update as root)"; }
    log "apt-get update (for apt-get download prometheus)"
    apt-get -o Acquire::Retries=3 update -qq || { rm -rf "$work"; fail "apt-get update failed"; }
    (cd "$work" && apt-get -o Acquire::Retries=3 download -qq prometheus >/dev/null) || { rm -rf "$work"; fail "apt-get download prometheus failed"; }
  fi
  deb=$(ls "$work"/prometheus_*.deb)
  mkdir -p "$PROMTOOL_DIR"
  dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/bin/promtool > "$PROMTOOL_DIR/promtool.part" || { rm -rf "$work"; fail "promtool not found in $deb"; }
  chmod 755 "$PROMTOOL_DIR/promtool.part" && mv "$PROMTOOL_DIR/promtool.part" "$PROMTOOL_DIR/promtool"
  rm -rf "$work"
  promtool_ok || fail "promtool extracted to $PROMTOOL_DIR but does not run"
}

if promtool_ok; then
  log "promtool: present ($("$PROMTOOL_DIR/promtool" --version 2>&1 | head -1))"
else
  log "promtool: missing; extracting it from Debian's prometheus package into $PROMTOOL_DIR"
  started=$SECONDS
  install_promtool
  log "promtool: ready in $((SECONDS - started)) s ($("$PROMTOOL_DIR/promtool" --version 2>&1 | head -1))"
fi

missing=()
if rserve_ok; then log "r-cran-rserve: present ($(rserve_binary))"; else log "r-cran-rserve: missing"; missing+=(r-cran-rserve); fi
if openssl_ok; then log "openssl: present ($(/usr/bin/openssl version))"; else log "openssl: missing"; missing+=(openssl); fi
if chromium_ok; then log "chromium: present"; else log "chromium: missing"; missing+=(chromium); fi

if [ "${#missing[@]}" -eq 0 ]; then
  log "nothing to install"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || fail "must run as root to install: ${missing[*]}"
command -v apt-get >/dev/null 2>&1 || fail "apt-get not found; cannot install: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive

started=$SECONDS
log "apt-get update"
apt-get -o Acquire::Retries=3 update -qq || fail "apt-get update failed"
log "apt-get update done in $((SECONDS - started)) s"

started=$SECONDS
log "apt-get install --no-install-recommends ${missing[*]}"
apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || fail "apt-get install ${missing[*]} failed"
log "apt-get install done in $((SECONDS - started)) s"

rserve_ok || fail "r-cran-rserve installed but the Rserve binary was not found through Rscript"
openssl_ok || fail "openssl installed but /usr/bin/openssl is not executable"
chromium_ok || fail "chromium installed but /usr/bin/chromium is not executable"
log "ready: Rserve at $(rserve_binary); $(/usr/bin/openssl version)"
