#!/usr/bin/env bash
# The steps of the composite GitHub Action (action.yml at the repository root), kept here so they are tested.
#
#   github-action.sh install   npm ci (when node_modules is absent), npm pack (prepack builds), then
#                              npm install -g the tarball into $RUNNER_TEMP/chaincheck and put its bin on $GITHUB_PATH:
#                              the published-package layout without a published package.
#   github-action.sh run       runs `chaincheck verify|check` from the INPUT_* variables with SARIF to
#                              $INPUT_SARIF_FILE; writes exit-code= and sarif-file= to $GITHUB_OUTPUT; always exits 0
#                              (action.yml fails the job afterwards, once the SARIF is uploaded).
#
# Inputs come as environment variables (never interpolated into the script): INPUT_COMMAND (verify|check),
# INPUT_FILE, INPUT_HOST, INPUT_TARGETS (blank-separated), INPUT_TARGETS_FILE, INPUT_SERVERNAME, INPUT_SERVICE,
# INPUT_CA_FILE (one per line), INPUT_WARN_DAYS, INPUT_MIN_DAYS, INPUT_FAIL_ON, INPUT_ARGS (blank-separated, no
# quoting), INPUT_SARIF_FILE. CHAINCHECK overrides the command (default: chaincheck on the PATH).
set -euo pipefail

die() { printf 'chaincheck action: %s\n' "$*" >&2; exit 2; }
output() { if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"; fi; }

install() {
  local root=${GITHUB_ACTION_PATH:?} temp=${RUNNER_TEMP:?}
  cd "$root"
  if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
  local pack="$temp/chaincheck-pack" prefix="$temp/chaincheck"
  rm -rf "$pack" && mkdir -p "$pack"
  npm pack --silent --pack-destination "$pack" > /dev/null
  local tarball
  tarball=$(ls "$pack"/chaincheck-*.tgz)
  # --prefer-offline: the dependencies' metadata and tarballs come from npm's cache when it has them.
  npm install --global --prefix "$prefix" --prefer-offline --no-audit --no-fund "$tarball"
  if [ -n "${GITHUB_PATH:-}" ]; then echo "$prefix/bin" >> "$GITHUB_PATH"; fi
  "$prefix/bin/chaincheck" --version
}

run() {
  local command=${INPUT_COMMAND:-verify} sarif=${INPUT_SARIF_FILE:-chaincheck.sarif}
  local -a args=() words=()
  case "$command" in
    verify)
      [ -n "${INPUT_FILE:-}" ] || die "input 'file' is required for command verify"
      args+=(verify "$INPUT_FILE")
      if [ -n "${INPUT_HOST:-}" ]; then args+=(--host "$INPUT_HOST"); fi
      ;;
    check)
      read -r -a words <<< "${INPUT_TARGETS:-}"
      args+=(check "${words[@]}")
      if [ -n "${INPUT_TARGETS_FILE:-}" ]; then args+=(--targets-file "$INPUT_TARGETS_FILE"); fi
      if [ -n "${INPUT_SERVERNAME:-}" ]; then args+=(--servername "$INPUT_SERVERNAME"); fi
      ;;
    *) die "input 'command' must be verify or check, not '$command'" ;;
  esac
  local ca
  while IFS= read -r ca; do
    ca=${ca#"${ca%%[![:space:]]*}"}
    ca=${ca%"${ca##*[![:space:]]}"}
    if [ -n "$ca" ]; then args+=(--ca-file "$ca"); fi
  done <<< "${INPUT_CA_FILE:-}"
  if [ -n "${INPUT_SERVICE:-}" ]; then args+=(--service "$INPUT_SERVICE"); fi
  if [ -n "${INPUT_WARN_DAYS:-}" ]; then args+=(--warn-days "$INPUT_WARN_DAYS"); fi
  if [ -n "${INPUT_MIN_DAYS:-}" ]; then args+=(--min-days "$INPUT_MIN_DAYS"); fi
  if [ -n "${INPUT_FAIL_ON:-}" ]; then args+=(--fail-on "$INPUT_FAIL_ON"); fi
  read -r -a words <<< "${INPUT_ARGS:-}"
  args+=("${words[@]}" --format sarif --output "$sarif")

  local -a chaincheck=()
  read -r -a chaincheck <<< "${CHAINCHECK:-chaincheck}"
  local code=0
  "${chaincheck[@]}" "${args[@]}" || code=$?
  output exit-code "$code"
  if [ -f "$sarif" ]; then output sarif-file "$sarif"; fi
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    printf '### chaincheck %s: exit code %s\n\nSee the SARIF results in code scanning, or `chaincheck --help` for the exit codes.\n' "$command" "$code" >> "$GITHUB_STEP_SUMMARY"
  fi
}

case "${1:-}" in
  install) install ;;
  run) run ;;
  *) die "usage: github-action.sh install|run" ;;
esac
