#!/bin/bash
# /usr/local/lib/openclaw-aws/gateway-pairing.sh — hand every configured node a way in.
# Run by openclaw-gateway-pairing.timer (as the service user, with the gateway token in its
# environment). The nodes are the String parameters under OPENCLAW_AWS_PARAM_NODE_LIST (one per node,
# {"displayName", "pairingParameter"}; Terraform adds and removes them), read at every run. For each:
#   - a node with that display name is paired and connected: delete the join code this gateway put in
#     its pairing parameter (a SecureString that exists only while a code is outstanding);
#   - otherwise make sure its pairing parameter holds a join URL minted less than
#     OPENCLAW_AWS_JOIN_CODE_MAX_AGE seconds ago (`openclaw devices join-code --json`: single use,
#     valid about 10 minutes), encrypted with the stack key (OPENCLAW_AWS_KMS_KEY). The node redeems it with
#     `openclaw connect`, which pairs the device and approves its commands without a manual step.
# Work per run is bounded: at most OPENCLAW_AWS_PAIRING_BATCH (10) codes minted, the nodes that have
# waited longest first (never given a code, then the oldest code), and at most as many withdrawn. With
# the timer's one run a minute, N waiting nodes all have a code within ceil(N / 10) minutes.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=gateway-pairing
enable_error_trap

max_age="${OPENCLAW_AWS_JOIN_CODE_MAX_AGE:-480}"
batch="${OPENCLAW_AWS_PAIRING_BATCH:-10}"
nodes=$(aws ssm get-parameters-by-path --region "$AWS_DEFAULT_REGION" --path "$OPENCLAW_AWS_PARAM_NODE_LIST" \
  --query 'Parameters[].Value' --output json) || die "cannot read the node list under ${OPENCLAW_AWS_PARAM_NODE_LIST}"
if [[ $(jq 'length' <<<"$nodes") -eq 0 ]]; then
  log "no nodes to pair"
  exit 0
fi
[[ -n "${OPENCLAW_GATEWAY_TOKEN:-}" ]] || die "OPENCLAW_GATEWAY_TOKEN is not set (gateway-token.env missing?)"

state_dir="${OPENCLAW_AWS_STATE_DIR}/aws-pairing"
install -d -m 0700 "$state_dir"

status=$(openclaw_cli nodes status --json) || die "cannot read node status from the gateway"
now=$(date +%s)

# One line per node: connected (true/false), display name, pairing parameter.
node_lines=$(jq -r --argjson status "$status" '
  [$status.nodes[]? | select(.paired == true and .connected == true) | .displayName] as $connected
  | .[] | fromjson | [(.displayName as $name | any($connected[]; . == $name)), .displayName, .pairingParameter] | @tsv' <<<"$nodes")

withdrawn=0
due=()
while IFS=$'\t' read -r connected name parameter; do
  [[ -n "$name" ]] || continue
  stamp="${state_dir}/$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_').minted"
  if [[ "$connected" == true ]]; then
    if [[ -f "$stamp" ]] && ((withdrawn < batch)); then
      ssm_delete "$parameter" || die "cannot delete ${parameter}"
      rm -f "$stamp"
      withdrawn=$((withdrawn + 1))
      log "node '${name}' is paired and connected; withdrew its join code"
    fi
    continue
  fi
  minted=0
  if [[ -f "$stamp" ]]; then minted=$(cat "$stamp"); fi
  if ((now - minted >= max_age)); then due+=("${minted}"$'\t'"${name}"$'\t'"${parameter}"); fi
done <<<"$node_lines"

if ((${#due[@]} > batch)); then
  log "${#due[@]} nodes wait for a join code; minting ${batch} now (at most ${batch} a run), the longest waiting first"
fi
# Longest waiting first: never given a code (0), then the oldest code; ties keep the list's order.
while IFS=$'\t' read -r _ name parameter; do
  [[ -n "$name" ]] || continue
  stamp="${state_dir}/$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_').minted"
  join_url=$(openclaw_cli devices join-code --json | jq -r '.joinUrl // empty') ||
    die "openclaw devices join-code failed"
  [[ -n "$join_url" ]] || die "openclaw devices join-code returned no joinUrl"
  printf '%s' "$join_url" | ssm_put "$parameter" SecureString || die "cannot write ${parameter}"
  printf '%s\n' "$now" >"$stamp"
  log "node '${name}' is not connected: published a fresh join code in ${parameter}"
done < <(if ((${#due[@]} > 0)); then printf '%s\n' "${due[@]}" | sort -s -n -t $'\t' -k1,1 | head -n "$batch"; fi)
