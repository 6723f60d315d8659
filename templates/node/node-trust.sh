#!/bin/bash
# /usr/local/lib/openclaw-aws/node-trust.sh — what this node trusts of the gateway, where only root writes.
# Run as root (openclaw-node-pairing.service, ExecStartPre=+) before every pairing and so before every start
# of openclaw-node.service: waits (bounded) until the gateway has published its TLS fingerprint and
# certificate in SSM, checks that the certificate has that fingerprint, and writes both under
# /etc/openclaw-aws: gateway.env (the fingerprint the node unit pins, through EnvironmentFile=, and the
# `openclaw` wrapper sources) and gateway.crt. systemd and root read these files, so they must not be in
# the state dir, which the service user (and so OpenClaw's agent) can write.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=node-trust
enable_error_trap
require_root
# The unit's HOME is the state dir: the AWS CLI would take its config (a credential_process, say) from there.
export HOME=/root

timeout="${OPENCLAW_AWS_PAIRING_TIMEOUT:-2700}"
poll="${OPENCLAW_AWS_PAIRING_POLL:-10}"
deadline=$((SECONDS + timeout))
until fingerprint=$(ssm_published "$OPENCLAW_AWS_PARAM_GATEWAY_TLS_FINGERPRINT") &&
  certificate=$(ssm_published "$OPENCLAW_AWS_PARAM_GATEWAY_TLS_CERTIFICATE"); do
  waiting "the gateway to publish its TLS fingerprint and certificate (${OPENCLAW_AWS_PARAM_GATEWAY_TLS_FINGERPRINT})"
done
[[ "$fingerprint" =~ ^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$ || "$fingerprint" =~ ^[0-9A-Fa-f]{64}$ ]] ||
  die "${OPENCLAW_AWS_PARAM_GATEWAY_TLS_FINGERPRINT} does not hold a SHA-256 fingerprint"
actual=$(openssl x509 -noout -fingerprint -sha256 <<<"$certificate" | cut -d= -f2) ||
  die "${OPENCLAW_AWS_PARAM_GATEWAY_TLS_CERTIFICATE} does not hold a certificate"
[[ "${actual//:/}" == "$(tr a-f A-F <<<"${fingerprint//:/}")" ]] ||
  die "the gateway's certificate does not have the published fingerprint ${fingerprint}"
openssl x509 <<<"$certificate" | write_file "$OPENCLAW_AWS_NODE_GATEWAY_CERTIFICATE" 0644 ""
printf "OPENCLAW_AWS_GATEWAY_TLS_FINGERPRINT='%s'\n" "$fingerprint" | write_file "$OPENCLAW_AWS_NODE_GATEWAY_ENV" 0644 ""
log "gateway certificate fingerprint ${fingerprint}"
