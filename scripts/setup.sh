#!/usr/bin/env bash
# Installs what Imaginator needs to build and test on a Debian machine, only
# what is missing. Safe to run again. Needs root (or sudo) for apt-get.
set -euo pipefail

packages=(build-essential cmake pkg-config libjson-c-dev libcmocka-dev clang clang-format
          libclang-rt-14-dev valgrind python3)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# python3 may come from elsewhere (pyenv); only ask apt for it if there is none.
if command -v python3 >/dev/null 2>&1; then
    missing=("${missing[@]/python3}")
fi
read -r -a missing <<<"${missing[*]:-}"

if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "setup: all packages present" >&2
fi
