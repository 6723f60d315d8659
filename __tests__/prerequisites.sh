#!/usr/bin/env bash
# Runs before `npm test`: makes sure the real validators the suite runs are on this machine.
# terraform and moto_server come with the machine; Debian's validators are installed here when missing.
set -euo pipefail

missing=()
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v cloud-init >/dev/null || missing+=(cloud-init)
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v openssl >/dev/null || missing+=(openssl)
command -v jq >/dev/null || missing+=(jq)
command -v curl >/dev/null || missing+=(curl)
command -v aws >/dev/null || missing+=(awscli)
command -v ssh-keygen >/dev/null || missing+=(openssh-client)
# The systemd-boot test (__tests__/hosts/systemd-boot.test.ts) boots the hosts in containers.
command -v systemd-nspawn >/dev/null || missing+=(systemd-container)
command -v debootstrap >/dev/null || missing+=(debootstrap)
# The Control UI test (__tests__/hosts/control-ui.test.ts) drives Debian's chromium.
command -v chromium >/dev/null || missing+=(chromium)

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "test prerequisites: missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "test prerequisites: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for tool in terraform moto_server; do
  command -v "$tool" >/dev/null || { echo "test prerequisites: $tool is not on PATH (it ships with the machine; see README)" >&2; exit 1; }
done
