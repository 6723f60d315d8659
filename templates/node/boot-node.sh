#!/bin/bash
# /usr/local/lib/openclaw-aws/boot-node.sh — turns a fresh Amazon Linux 2023 instance into an
# OpenClaw node host that pairs itself with the gateway. Run by cloud-init (runcmd) on first boot;
# safe to run again. Log: /var/log/openclaw-boot.log (and cloud-init's).
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-/etc/openclaw-aws/host.env}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=boot-node
enable_error_trap
require_root
export HOME="${HOME:-/root}"
log_to_boot_file
log "boot of node ${OPENCLAW_AWS_HOST_NAME} (stack ${OPENCLAW_AWS_STACK}) starting"

packages=(openssl jq tar gzip rsyslog amazon-cloudwatch-agent)
[[ "$OPENCLAW_AWS_INSTALL_METHOD" == source ]] && packages+=(git)
log "installing packages: ${packages[*]}"
retry 5 10 dnf install -y -q "${packages[@]}"
# AL2023 logs to the journal only; rsyslog provides /var/log/messages for CloudWatch.
systemctl enable --now rsyslog.service

log "starting the CloudWatch agent"
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 \
  -c "file:${OPENCLAW_AWS_ETC_DIR}/amazon-cloudwatch-agent.json" -s

if ! id -u "$OPENCLAW_AWS_USER" >/dev/null 2>&1; then
  log "creating system user ${OPENCLAW_AWS_USER}"
  useradd --system --home-dir "$OPENCLAW_AWS_STATE_DIR" --no-create-home --shell /sbin/nologin \
    --user-group "$OPENCLAW_AWS_USER"
fi
install -d -m 0750 -o "$OPENCLAW_AWS_USER" -g "$OPENCLAW_AWS_USER" "$OPENCLAW_AWS_STATE_DIR" "$OPENCLAW_AWS_APP_LOG_DIR"

"${OPENCLAW_AWS_LIB_DIR}/install-runtime.sh"
"${OPENCLAW_AWS_LIB_DIR}/install-openclaw.sh"

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
deadline=$((SECONDS + 50))
until systemctl is-active --quiet openclaw-node.service; do
  if ((SECONDS >= deadline)); then
    journalctl -u openclaw-node.service -n 30 --no-pager >&2 || true
    die "openclaw-node.service is not running (see journalctl -u openclaw-node)"
  fi
  sleep 3
done
log "boot of node ${OPENCLAW_AWS_HOST_NAME} finished"
