#!/bin/bash
# /usr/local/lib/openclaw-aws/boot-gateway.sh — turns a fresh Amazon Linux 2023 instance into the
# OpenClaw gateway. Run by cloud-init (runcmd) on first boot; safe to run again at any time:
# every step checks what is already there. Log: /var/log/openclaw-boot.log (and cloud-init's).
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=boot-gateway
enable_error_trap
require_root
export HOME="${HOME:-/root}"
log_to_boot_file
log "boot of gateway ${OPENCLAW_AWS_HOST_NAME} (stack ${OPENCLAW_AWS_STACK}) starting"

"${OPENCLAW_AWS_LIB_DIR}/prepare-host.sh"
# The gateway's other scripts (its user data cannot carry them all), now that jq and the AWS CLI are there.
install_host_files

private_ip=$(retry 10 3 imds local-ipv4) || die "cannot read the private IP from the instance metadata (IMDSv2)"
log "private IP ${private_ip}"
# Runtime values the units and openclaw.json (${OPENCLAW_AWS_PRIVATE_IP}) use.
printf "OPENCLAW_AWS_PRIVATE_IP='%s'\n" "$private_ip" | write_file "$OPENCLAW_AWS_RUNTIME_ENV" 0644 ""

if [[ "$OPENCLAW_AWS_GATEWAY_TLS" == true ]]; then
  "${OPENCLAW_AWS_LIB_DIR}/gateway-cert.sh" "$private_ip" "$OPENCLAW_AWS_GATEWAY_PUBLIC_ADDRESS"
fi
"${OPENCLAW_AWS_LIB_DIR}/gateway-publish.sh"

# Channel tokens from SSM; a channel whose token is not set yet is turned off (one log line each).
off=$("${OPENCLAW_AWS_LIB_DIR}/channel-secrets.sh")
disable=()
for channel in $off; do disable+=(--disable "channels.${channel}"); done
# The pinned plugins first: once the config names the Bedrock provider, every OpenClaw command (and the
# gateway's start) tries to fetch a missing provider plugin itself, and the gateway refuses to start
# (exit 78) when it cannot.
if [[ -n "$OPENCLAW_AWS_PLUGINS" ]]; then
  # shellcheck disable=SC2086 # one argument per plugin
  "${OPENCLAW_AWS_LIB_DIR}/install-plugins.sh" $OPENCLAW_AWS_PLUGINS
fi
# The live config belongs to the service user (OpenClaw, its CLI and the Control UI write it); the
# project's keys are merged into it at every boot (as that user), everything else in it is kept. What the
# last boot applied is root's (on the volume, beside the state folder): the merge gets it on stdin, and
# nothing comes back but the exit status.
applied="$OPENCLAW_AWS_APPLIED_CONFIG"
log "merging ${OPENCLAW_AWS_MANAGED_CONFIG} into ${OPENCLAW_AWS_CONFIG_PATH}"
{ cat "$applied" 2>/dev/null || echo '{}'; } | runuser -u "$OPENCLAW_AWS_USER" -- "$OPENCLAW_AWS_NODE" \
  "${OPENCLAW_AWS_LIB_DIR}/merge-config.mjs" --managed "$OPENCLAW_AWS_MANAGED_CONFIG" --live "$OPENCLAW_AWS_CONFIG_PATH" \
  --applied - --openclaw-dir "$(dirname "$OPENCLAW_AWS_OPENCLAW_ENTRY")" "${disable[@]}"
write_file "$applied" 0644 "" <"$OPENCLAW_AWS_MANAGED_CONFIG"

log "validating ${OPENCLAW_AWS_CONFIG_PATH}"
runuser -u "$OPENCLAW_AWS_USER" -- env OPENCLAW_AWS_PRIVATE_IP="$private_ip" HOME="$OPENCLAW_AWS_STATE_DIR" \
  OPENCLAW_STATE_DIR="$OPENCLAW_AWS_STATE_DIR" OPENCLAW_CONFIG_PATH="$OPENCLAW_AWS_CONFIG_PATH" \
  OPENCLAW_NO_AUTO_UPDATE=1 NODE_COMPILE_CACHE="$OPENCLAW_AWS_COMPILE_CACHE" "$OPENCLAW_AWS_NODE" "$OPENCLAW_AWS_OPENCLAW_ENTRY" config validate

systemctl daemon-reload
systemctl enable openclaw-gateway.service openclaw-gateway-watch.timer
# restart, not start: a second run picks up a new certificate, token or package.
systemctl restart openclaw-gateway.service

if [[ "$OPENCLAW_AWS_GATEWAY_TLS" == true ]]; then scheme=https; else scheme=http; fi
health="${scheme}://127.0.0.1:${OPENCLAW_AWS_GATEWAY_PORT}/healthz"
log "waiting (up to 180 s) for the gateway at ${health}"
wait_for 180 openclaw-gateway.service "the gateway did not become healthy" curl -fsk -m 5 -o /dev/null "$health"
log "gateway is healthy"
systemctl start openclaw-gateway-watch.timer
log "boot of gateway ${OPENCLAW_AWS_HOST_NAME} finished"
