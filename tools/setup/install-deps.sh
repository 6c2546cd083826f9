#!/usr/bin/env bash
# Installs the Debian 12 packages sim7080 needs, only those missing (apt-get update once).
# Run as root (or with sudo). Everything comes from Debian's own archive.
set -euo pipefail
packages=(
  cmake ninja-build g++ clang libclang-rt-14-dev pkg-config
  libasio-dev libfmt-dev libgtest-dev libgmock-dev libcli11-dev libbenchmark-dev
  libcurl4-openssl-dev python3-pyftpdlib python3-serial doxygen dpkg-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi
