#!/bin/bash
# /usr/local/lib/openclaw-aws/gateway-rotate-token.sh — give the gateway a new auth token (run as root,
# e.g. through the gateway_rotate_token_command output: SSM Run Command). Paired nodes are unaffected:
# they connect with the device tokens they got when they paired, never with the gateway token. Clients
# that use the token (the Control UI, your CLI) need the new one (gateway_token_command).
# The token goes from openssl into its Secrets Manager secret through a 0600 file, back into
# gateway-token.env (0600) by gateway-publish.sh; it is never printed or on a command line.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=gateway-rotate-token
enable_error_trap
require_root
log_to_boot_file

log "storing a new gateway token in secret ${OPENCLAW_AWS_GATEWAY_TOKEN_SECRET}"
openssl rand -hex 24 | secret_put "$OPENCLAW_AWS_GATEWAY_TOKEN_SECRET" ||
  die "cannot store the new gateway token in secret ${OPENCLAW_AWS_GATEWAY_TOKEN_SECRET}"
# Reads the stored token back into the unit's EnvironmentFile.
"${OPENCLAW_AWS_LIB_DIR}/gateway-publish.sh"
log "restarting the gateway with the new token"
systemctl restart openclaw-gateway.service
if [[ "$OPENCLAW_AWS_GATEWAY_TLS" == true ]]; then scheme=https; else scheme=http; fi
wait_for 180 openclaw-gateway.service "the gateway did not become healthy with the new token" \
  curl -fsk -m 5 -o /dev/null "${scheme}://127.0.0.1:${OPENCLAW_AWS_GATEWAY_PORT}/healthz"
log "the gateway runs with the new token; paired nodes reconnect with their device tokens"
