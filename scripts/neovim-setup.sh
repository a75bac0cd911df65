#!/usr/bin/env bash
# Installs headless Neovim (Debian's package) for the language-server test that drives
# `gradient-lens lsp --stdio` from Neovim's built-in LSP client. Idempotent: skips when nvim exists.
set -euo pipefail
if command -v nvim >/dev/null 2>&1; then
  echo "neovim-setup: $(nvim --version | head -n 1) already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends neovim >/dev/null
echo "neovim-setup: installed $(nvim --version | head -n 1)"
