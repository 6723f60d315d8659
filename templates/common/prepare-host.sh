#!/bin/bash
# /usr/local/lib/openclaw-aws/prepare-host.sh — what every OpenClaw host needs before its role:
# packages, the system log, the CloudWatch agent, the service user and its data volume, swap on small
# hosts, Node.js and OpenClaw.
# Run by the boot scripts; safe to run again: every step checks what is already there.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=prepare-host
enable_error_trap
require_root
export HOME="${HOME:-/root}"
log_to_boot_file

packages=(openssl jq tar gzip rsyslog amazon-cloudwatch-agent)
[[ "$OPENCLAW_AWS_INSTALL_METHOD" == source ]] && packages+=(git)
log "installing packages: ${packages[*]}"
retry 5 10 dnf install -y -q "${packages[@]}"
# AL2023 logs to the journal only; rsyslog provides /var/log/messages for CloudWatch, and the OpenClaw
# services' output in a file of root's (its rule is ours: restart, so that a running rsyslog reads it).
systemctl enable rsyslog.service
systemctl restart rsyslog.service

log "starting the CloudWatch agent"
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 \
  -c "file:${OPENCLAW_AWS_CLOUDWATCH_AGENT_CONFIG}" -s

# The service user, with its fixed uid and gid (the files on the data volume are theirs on every instance).
uid="$OPENCLAW_AWS_UID"
if ! id -u "$OPENCLAW_AWS_USER" >/dev/null 2>&1; then
  if getent passwd "$uid" || getent group "$uid"; then die "the id ${uid} of ${OPENCLAW_AWS_USER} is taken (above)"; fi
  log "creating system user ${OPENCLAW_AWS_USER} (uid and gid ${uid})"
  groupadd --system --gid "$uid" "$OPENCLAW_AWS_USER"
  useradd --system --uid "$uid" --gid "$uid" --home-dir "$OPENCLAW_AWS_STATE_DIR" --no-create-home \
    --shell /sbin/nologin "$OPENCLAW_AWS_USER"
fi
[[ "$(id -u "$OPENCLAW_AWS_USER"):$(id -g "$OPENCLAW_AWS_USER")" == "${uid}:${uid}" ]] || die "${OPENCLAW_AWS_USER} is not ${uid}:${uid}"
"${OPENCLAW_AWS_LIB_DIR}/data-volume.sh"
install -d -m 0750 -o "$OPENCLAW_AWS_USER" -g "$OPENCLAW_AWS_USER" "$OPENCLAW_AWS_APP_LOG_DIR"
# Node.js's compile cache for the service user's OpenClaw runs (in /var/cache, root's: the user cannot
# replace the folder). Only that user's processes read it: it could plant code in it.
install -d -m 0700 -o "$OPENCLAW_AWS_USER" -g "$OPENCLAW_AWS_USER" "$OPENCLAW_AWS_COMPILE_CACHE"

# Swap on hosts with less than 4 GiB of memory (the gateway alone uses about 750 MB plus workers).
memory_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
if ((memory_kib < 4 * 1024 * 1024)); then
  swap="$OPENCLAW_AWS_SWAP_FILE"
  if [[ ! -f "$swap" ]]; then
    log "$((memory_kib / 1024)) MiB of memory: creating a 2 GiB swap file ${swap}"
    dd if=/dev/zero of="$swap" bs=1M count=2048 status=none
    chmod 0600 "$swap"
    mkswap "$swap" >/dev/null
  fi
  if ! grep -q "^${swap} " /etc/fstab; then printf '%s none swap defaults,nofail 0 0\n' "$swap" >>/etc/fstab; fi
  if ! swapon --show=NAME --noheadings | grep -qx "$swap"; then swapon "$swap"; fi
fi

"${OPENCLAW_AWS_LIB_DIR}/install-runtime.sh"
"${OPENCLAW_AWS_LIB_DIR}/install-openclaw.sh"
