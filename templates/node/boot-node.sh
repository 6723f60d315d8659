#!/bin/bash
# /usr/local/lib/openclaw-aws/boot-node.sh — turns a fresh Amazon Linux 2023 instance into an
# OpenClaw node host that pairs itself with the gateway. Run by cloud-init (runcmd) on first boot;
# safe to run again. Log: /var/log/openclaw-boot.log (and cloud-init's).
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=boot-node
enable_error_trap
require_root
export HOME="${HOME:-/root}"
log_to_boot_file
log "boot of node ${OPENCLAW_AWS_HOST_NAME} (stack ${OPENCLAW_AWS_STACK}) starting"

"${OPENCLAW_AWS_LIB_DIR}/prepare-host.sh"

systemctl daemon-reload
systemctl enable openclaw-node.service
# Pairing waits (bounded) for the gateway to publish its certificate and this node's join code;
# its progress is in `journalctl -u openclaw-node-pairing`.
log "pairing with the gateway at ${OPENCLAW_AWS_GATEWAY_HOST}:${OPENCLAW_AWS_GATEWAY_PORT} (journalctl -u openclaw-node-pairing)"
if ! systemctl restart openclaw-node-pairing.service; then
  journalctl -u openclaw-node-pairing.service -n 30 --no-pager >&2 || true
  die "pairing with the gateway failed (see journalctl -u openclaw-node-pairing)"
fi
systemctl restart openclaw-node.service
log "waiting (up to 60 s) for openclaw-node.service to stay up"
sleep 10
wait_for 50 openclaw-node.service "openclaw-node.service did not stay up" systemctl is-active --quiet openclaw-node.service
log "boot of node ${OPENCLAW_AWS_HOST_NAME} finished"
