#!/usr/bin/env bash
# Installs what the end-to-end suite needs, skipping whatever is already there:
#   system packages (Chromium, ripgrep, libkrb5-dev for code-server's native modules) via apt,
#   code-server 4.100.3 (the newest release that supports Node.js 20) into .cache/e2e/code-server.
# Idempotent: a second run takes a second. Prints where things are.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE_DIR="${GRADIENT_LENS_E2E_CACHE:-$PWD/.cache/e2e}"
CODE_SERVER_VERSION=4.100.3
CODE_SERVER_DIR="$CACHE_DIR/code-server"
CODE_SERVER_BIN="$CODE_SERVER_DIR/node_modules/.bin/code-server"
mkdir -p "$CACHE_DIR"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "e2e-setup: installing system packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# code-server bundles @vscode/ripgrep, whose install script downloads rg from GitHub (unreachable on
# CI machines without general internet). It looks in this cache first, so hand it Debian's rg.
RG_CACHE="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
RG_TARBALL="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$RG_TARBALL" ]; then
  pack="$(mktemp -d)"
  mkdir -p "$RG_CACHE"
  cp "$(command -v rg)" "$pack/rg"
  tar czf "$RG_TARBALL" -C "$pack" rg
  rm -rf "$pack"
fi

installed_version() {
  node -p "require('$CODE_SERVER_DIR/node_modules/code-server/package.json').version" 2>/dev/null || true
}
if [ ! -x "$CODE_SERVER_BIN" ] || [ "$(installed_version)" != "$CODE_SERVER_VERSION" ]; then
  echo "e2e-setup: installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR (about 2 minutes)"
  mkdir -p "$CODE_SERVER_DIR"
  [ -f "$CODE_SERVER_DIR/package.json" ] || echo '{"name":"gradient-lens-e2e-code-server","private":true}' >"$CODE_SERVER_DIR/package.json"
  npm_config_yes=true npm_config_unsafe_perm=true npm install --prefix "$CODE_SERVER_DIR" \
    --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
fi

echo "e2e-setup: code-server $(installed_version) at $CODE_SERVER_BIN"
echo "e2e-setup: chromium at $(command -v chromium)"
