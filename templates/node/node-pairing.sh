#!/bin/bash
# /usr/local/lib/openclaw-aws/node-pairing.sh — make sure this node host is paired with the gateway.
# Run by openclaw-node-pairing.service (as the service user) before every start of
# openclaw-node.service, after node-trust.sh (as root) has written the gateway's fingerprint and
# certificate: when this state directory has not joined a gateway holding that certificate yet, wait
# (bounded) for a join URL in this node's SSM parameter and redeem it with `openclaw connect` (pairs
# the device and approves its commands); the URL goes through a 0600 file (--target-file), never a
# command line. The gateway knows this node as the device that redeemed the code it published for it
# (only this node's role can read that parameter), whatever name the device presents.
# The device token `openclaw connect` saves is what `openclaw node run` uses afterwards.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
# shellcheck source=/dev/null
source "$OPENCLAW_AWS_NODE_GATEWAY_ENV"
OPENCLAW_AWS_TAG=node-pairing
enable_error_trap
umask 077

timeout="${OPENCLAW_AWS_PAIRING_TIMEOUT:-2700}"
connect_timeout="${OPENCLAW_AWS_CONNECT_TIMEOUT:-90}"
poll="${OPENCLAW_AWS_PAIRING_POLL:-10}"
dir="${OPENCLAW_AWS_PAIRING_DIR}"
install -d -m 0700 "$dir"
deadline=$((SECONDS + timeout))
fingerprint="$OPENCLAW_AWS_GATEWAY_TLS_FINGERPRINT"

# Named apart from the marker of earlier versions (paired-fingerprint), whose gateway did not note which
# device each node is: a node of theirs joins once more, so that this gateway can.
marker="${dir}/joined-fingerprint"
if [[ -f "$marker" && "$(cat "$marker")" == "$fingerprint" ]]; then
  log "already paired with this gateway"
  exit 0
fi

node_bin="$OPENCLAW_AWS_NODE"
entry="$OPENCLAW_AWS_OPENCLAW_ENTRY"
target="${dir}/join-target"
output="${dir}/connect.log"
tried=""
connect_pid=""
stop_connect() {
  if [[ -n "$connect_pid" ]]; then
    kill -TERM -- "-${connect_pid}" 2>/dev/null || true
    wait "$connect_pid" 2>/dev/null || true
    connect_pid=""
  fi
  rm -f "$target"
}
trap stop_connect EXIT

while true; do
  if ! join=$(ssm_published "$OPENCLAW_AWS_PARAM_NODE_PAIRING"); then
    waiting "a join code from the gateway in ${OPENCLAW_AWS_PARAM_NODE_PAIRING}"
    continue
  fi
  digest=$(printf '%s' "$join" | sha256sum | cut -c1-16)
  if [[ "$digest" == "$tried" ]]; then
    waiting "a fresh join code from the gateway in ${OPENCLAW_AWS_PARAM_NODE_PAIRING}"
    continue
  fi
  tried="$digest"
  log "redeeming the join code from ${OPENCLAW_AWS_PARAM_NODE_PAIRING}"
  printf '%s\n' "$join" | write_file "$target" 0600 ""
  : >"$output"
  NODE_EXTRA_CA_CERTS="$OPENCLAW_AWS_NODE_GATEWAY_CERTIFICATE" OPENCLAW_AWS_GATEWAY_TLS_FINGERPRINT="$fingerprint" setsid "$node_bin" "$entry" connect \
    --target-file "$target" --display-name "$OPENCLAW_AWS_HOST_NAME" >"$output" 2>&1 &
  connect_pid=$!
  connected=false
  for ((i = 0; i < connect_timeout; i++)); do
    if grep -q 'gateway connected' "$output"; then
      connected=true
      break
    fi
    kill -0 "$connect_pid" 2>/dev/null || break
    sleep 1
  done
  stop_connect
  if [[ "$connected" == true ]]; then
    printf '%s\n' "$fingerprint" | write_file "$marker" 0644 ""
    log "paired with the gateway as '${OPENCLAW_AWS_HOST_NAME}'"
    exit 0
  fi
  # The output may name the join URL: show it without URLs.
  log "openclaw connect did not pair (code expired or already used?); its last lines:"
  tail -n 5 "$output" | sed -E 's#[a-z]+://[^[:space:]]+#<url>#g' >&2 || true
done
