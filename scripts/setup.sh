#!/usr/bin/env bash
# Installs what Imaginator needs to build and test on a Debian machine, only
# what is missing. Safe to run again. Needs root (or sudo) for apt-get.
set -euo pipefail

packages=(build-essential cmake pkg-config libjson-c-dev libcmocka-dev libcurl4-openssl-dev clang clang-format
          libclang-rt-14-dev valgrind python3 libpq-dev librdkafka-dev postgresql
          maven default-jre-headless)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# python3, java and mvn may come from elsewhere (pyenv, a JDK under /opt); only ask
# apt for them when there is none on the PATH.
for pair in python3:python3 java:default-jre-headless mvn:maven; do
    if command -v "${pair%%:*}" >/dev/null 2>&1; then
        missing=("${missing[@]/${pair#*:}}")
    fi
done
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
