#!/bin/bash
# __tests__/hosts/container-root/build.sh <cache-dir> — the Debian bookworm root the systemd-boot test boots
# with systemd-nspawn (__tests__/hosts/systemd-boot.test.ts), built once and cached:
#   <cache-dir>/root-<key>/   key = sha256 of this folder (packages.txt, the shims, this script),
# so a changed package list or shim builds a new root. Prints the root's path on stdout.
#
# debootstrap --variant=minbase, then apt installs packages.txt inside it, then the accommodations
# for not being Amazon Linux 2023 go in: the `dnf` shim, the CloudWatch agent control stub and
# cloud-init's NoCloud-only settings (each file in this folder says what it does).
# Needs root, debootstrap and systemd-nspawn (__tests__/prerequisites.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:?usage: build.sh <cache-dir>}
mirror=${OPENCLAW_AWS_DEBIAN_MIRROR:-http://deb.debian.org/debian}

key=$(cd "$here" && cat build.sh packages.txt dnf amazon-cloudwatch-agent-ctl 90-openclaw-aws-test.cfg | sha256sum | cut -c1-16)
root="${cache}/root-${key}"
if [[ -f "${root}/.complete" ]]; then
  echo "$root"
  exit 0
fi

mkdir -p "$cache"
exec 9>"${cache}/.build.lock"
flock -w 900 9 || { echo "container-root: another build holds ${cache}/.build.lock" >&2; exit 1; }
if [[ -f "${root}/.complete" ]]; then
  echo "$root"
  exit 0
fi

started=$SECONDS
work="${root}.tmp"
rm -rf "$work"
echo "container-root: debootstrap bookworm (minbase) into ${work}" >&2
debootstrap --variant=minbase bookworm "$work" "$mirror" >"${cache}/debootstrap.log" 2>&1 ||
  { tail -n 20 "${cache}/debootstrap.log" >&2; echo "container-root: debootstrap failed (log: ${cache}/debootstrap.log)" >&2; exit 1; }

mapfile -t packages < <(grep -v -e '^#' -e '^[[:space:]]*$' "${here}/packages.txt")
echo "container-root: apt-get install ${packages[*]}" >&2
# The host's resolver for apt; the network is the host's (no --private-network) only while building.
cp -L /etc/resolv.conf "${work}/etc/resolv.conf"
systemd-nspawn --quiet --register=no --keep-unit -D "$work" -E DEBIAN_FRONTEND=noninteractive \
  sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $(printf '%q ' "${packages[@]}") && apt-get clean \
    && sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen && locale-gen" \
  >"${cache}/apt.log" 2>&1 ||
  { tail -n 20 "${cache}/apt.log" >&2; echo "container-root: apt-get install failed (log: ${cache}/apt.log)" >&2; exit 1; }

install -m 0755 "${here}/dnf" "${work}/usr/bin/dnf"
install -D -m 0755 "${here}/amazon-cloudwatch-agent-ctl" "${work}/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl"
install -m 0644 "${here}/90-openclaw-aws-test.cfg" "${work}/etc/cloud/cloud.cfg.d/90-openclaw-aws-test.cfg"
# en_US.UTF-8 is generated above, as in Debian's cloud images: cloud-init's locale module sets it and
# Debian's locale-gen only builds what /etc/locale.gen lists.
# Each container gets its own hostname and machine id at boot.
rm -f "${work}/etc/hostname"
: >"${work}/etc/machine-id"

touch "${work}/.complete"
# Older roots (another key) are not needed any more.
find "$cache" -mindepth 1 -maxdepth 1 -name 'root-*' ! -name "root-${key}.tmp" -exec rm -rf {} +
mv "$work" "$root"
echo "container-root: built ${root} in $((SECONDS - started)) s ($(du -sh "$root" | cut -f1))" >&2
echo "$root"
