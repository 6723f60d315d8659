#!/bin/bash
# /usr/local/lib/openclaw-aws/gateway-pairing.sh — hand every configured node a way in.
# Run by openclaw-gateway-pairing.timer (as the service user, with the gateway token in its
# environment). For each node in /etc/openclaw-aws/nodes.tsv:
#   - a node with that display name is paired and connected: withdraw any join code left in its
#     SSM parameter (back to the placeholder);
#   - otherwise make sure its SSM parameter (SecureString) holds a join URL minted less than
#     OPENCLAW_AWS_JOIN_CODE_MAX_AGE seconds ago (`openclaw devices join-code --json`: single use,
#     valid about 10 minutes). The node redeems it with `openclaw connect`, which pairs the device
#     and approves its commands without a manual step.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=gateway-pairing
enable_error_trap

nodes_file="${OPENCLAW_AWS_ETC_DIR}/nodes.tsv"
max_age="${OPENCLAW_AWS_JOIN_CODE_MAX_AGE:-480}"
if ! grep -q $'\t' "$nodes_file" 2>/dev/null; then
  log "no nodes to pair"
  exit 0
fi
[[ -n "${OPENCLAW_GATEWAY_TOKEN:-}" ]] || die "OPENCLAW_GATEWAY_TOKEN is not set (gateway-token.env missing?)"

state_dir="${OPENCLAW_AWS_STATE_DIR}/aws-pairing"
install -d -m 0700 "$state_dir"

status=$(openclaw_cli nodes status --json) || die "cannot read node status from the gateway"
now=$(date +%s)

while IFS=$'\t' read -r name parameter; do
  [[ -n "$name" && "$name" != \#* ]] || continue
  stamp="${state_dir}/$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_').minted"
  connected=$(jq -r --arg name "$name" \
    '[.nodes[]? | select(.displayName == $name and .paired == true and .connected == true)] | length' <<<"$status")
  if ((connected > 0)); then
    if [[ -f "$stamp" ]]; then
      printf '%s' "$OPENCLAW_AWS_PLACEHOLDER" | ssm_put "$parameter" SecureString ||
        die "cannot reset ${parameter}"
      rm -f "$stamp"
      log "node '${name}' is paired and connected; withdrew its join code"
    fi
    continue
  fi
  if [[ -f "$stamp" ]] && ((now - $(cat "$stamp") < max_age)); then
    continue
  fi
  join_url=$(openclaw_cli devices join-code --json | jq -r '.joinUrl // empty') ||
    die "openclaw devices join-code failed"
  [[ -n "$join_url" ]] || die "openclaw devices join-code returned no joinUrl"
  printf '%s' "$join_url" | ssm_put "$parameter" SecureString || die "cannot write ${parameter}"
  printf '%s\n' "$now" >"$stamp"
  log "node '${name}' is not connected: published a fresh join code in ${parameter}"
done <"$nodes_file"
