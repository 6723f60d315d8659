#!/bin/bash
# /usr/local/lib/openclaw-aws/gateway-publish.sh — share what the nodes need through SSM and
# provide the gateway's auth token:
#   - the certificate's SHA-256 fingerprint and the certificate (PEM) — public values;
#   - the gateway token: the value already in its Secrets Manager secret (a replaced gateway keeps its
#     token), else a new random one (openssl rand -hex 24), put as the secret's first value.
# The token only ever goes to Secrets Manager (through a 0600 file) and to the unit's EnvironmentFile
# (0600); Terraform created the secret without a value and never reads one.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=gateway-publish
enable_error_trap

# put_if_changed <name> <type> <value>
put_if_changed() {
  local current
  current=$(ssm_get "$1") || die "cannot read SSM parameter $1"
  if [[ "$current" == "$3" ]]; then
    log "$1 is up to date"
  else
    printf '%s' "$3" | ssm_put "$1" "$2" || die "cannot write SSM parameter $1"
    log "published $1"
  fi
}

if [[ "$OPENCLAW_AWS_GATEWAY_TLS" == true ]]; then
  cert="$OPENCLAW_AWS_TLS_CERTIFICATE"
  [[ -s "$cert" ]] || die "no certificate at ${cert}"
  fingerprint=$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | cut -d= -f2)
  put_if_changed "$OPENCLAW_AWS_PARAM_GATEWAY_TLS_CERTIFICATE" String "$(cat "$cert")"
  # The fingerprint last: nodes wait for it, then read the certificate.
  put_if_changed "$OPENCLAW_AWS_PARAM_GATEWAY_TLS_FINGERPRINT" String "$fingerprint"
fi

token_file="$OPENCLAW_AWS_GATEWAY_TOKEN_ENV"
secret="$OPENCLAW_AWS_GATEWAY_TOKEN_SECRET"
if secret_has_value "$secret"; then
  token=$(secret_get "$secret") || die "cannot read the gateway token from secret ${secret}"
  log "using the gateway token already stored in secret ${secret}"
else
  log "generating a new gateway token"
  token=$(openssl rand -hex 24)
  printf '%s' "$token" | secret_put "$secret" || die "cannot store the gateway token in secret ${secret}"
  log "stored the gateway token in secret ${secret}"
fi
[[ "$token" =~ ^[A-Za-z0-9._~+/=-]+$ ]] || die "the gateway token in ${secret} has characters an EnvironmentFile cannot hold"
printf 'OPENCLAW_GATEWAY_TOKEN=%s\n' "$token" | write_file "$token_file" 0600 ""
log "wrote ${token_file} (mode 0600)"
