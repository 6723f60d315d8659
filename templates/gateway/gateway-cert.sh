#!/bin/bash
# /usr/local/lib/openclaw-aws/gateway-cert.sh <ip>... — the gateway's self-signed TLS certificate.
# Made on the host (the key never leaves it), naming localhost and 127.0.0.1 plus every given address as
# an IP subjectAltName (the private IP, and the Elastic IP when there is one). Kept on the data volume in a
# folder of root's that the service may read (group; key 0640) but not change: root writes and chowns
# there, so nothing in it may be the service user's to replace. Idempotent: an existing certificate that
# names all of them and is valid for at least another 30 days is kept, so the fingerprint the nodes pin
# stays the same across reboots.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=gateway-cert
enable_error_trap

(($# > 0)) || die "usage: gateway-cert.sh <ip>..."
cert="$OPENCLAW_AWS_TLS_CERTIFICATE"
key="$OPENCLAW_AWS_TLS_KEY"
install -d -m 0750 -g "$OPENCLAW_AWS_USER" "$OPENCLAW_AWS_TLS_DIR"

# localhost/127.0.0.1 too: the Control UI is opened at https://localhost:<port> through SSM port forwarding.
sans="DNS:localhost,IP:127.0.0.1"
for ip in "$@"; do
  [[ -n "$ip" && "$ip" != 127.0.0.1 ]] && sans="${sans},IP:${ip}"
done

keep=true
if [[ ! -s "$cert" || ! -s "$key" ]]; then
  keep=false
elif ! openssl x509 -in "$cert" -noout -checkend $((30 * 24 * 3600)) >/dev/null; then
  log "certificate expires within 30 days: replacing it"
  keep=false
else
  present=$(openssl x509 -in "$cert" -noout -ext subjectAltName 2>/dev/null | tr -d ' ')
  for san in ${sans//,/ }; do
    if [[ ",${present//$'\n'/,}," != *",${san/IP:/IPAddress:},"* ]]; then
      log "certificate does not name ${san}: replacing it"
      keep=false
    fi
  done
fi

if [[ "$keep" == true ]]; then
  log "keeping the existing certificate"
else
  log "creating a self-signed certificate for ${sans}"
  work=$(mktemp -d "${OPENCLAW_AWS_TLS_DIR}/.new.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -subj "/CN=openclaw-gateway" -addext "subjectAltName=${sans}" \
      -keyout "${work}/gateway.key" -out "${work}/gateway.crt" 2>/dev/null
  )
  chmod 0644 "${work}/gateway.crt"
  mv -f "${work}/gateway.crt" "$cert"
  mv -f "${work}/gateway.key" "$key"
fi
chown "root:${OPENCLAW_AWS_USER}" "$key"
chmod 0640 "$key"
log "certificate sha256 fingerprint $(openssl x509 -in "$cert" -noout -fingerprint -sha256 | cut -d= -f2)"
