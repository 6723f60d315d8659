#!/bin/bash
# /usr/local/lib/openclaw-aws/gateway-pairing.sh — hand every configured node a way in.
# Run by openclaw-gateway-pairing.timer (as the service user, with the gateway token in its
# environment). The nodes are the String parameters under OPENCLAW_AWS_PARAM_NODE_LIST (one per node,
# {"displayName", "pairingParameter"}; Terraform adds and removes them), read at every run.
# A node is the device that redeemed a join code minted for it, never a device that only presents its
# name (any node host can present any name): only that node's IAM role can read its pairing parameter.
# Each code's setup id is kept beside the time it was minted; when a connected device is no node's yet,
# the latest codes of the node whose name it presents are looked up (device.pair.setupStatus: the gateway
# keeps a redemption 20 minutes), and the device that redeemed one is that node's from then on
# (OPENCLAW_AWS_NODE_DEVICES, which the health timer reads too). A device presenting another node's name
# redeemed none of that node's codes, so it is never taken for it; an honest node presents its own name.
# For each node:
#   - its device is paired and connected: delete the join code this gateway put in its pairing
#     parameter (a SecureString that exists only while a code is outstanding);
#   - otherwise make sure its pairing parameter holds a join URL minted less than
#     OPENCLAW_AWS_JOIN_CODE_MAX_AGE seconds ago (device.pair.setupCode, what `openclaw devices join-code`
#     calls: single use, valid about 10 minutes), encrypted with the stack key (OPENCLAW_AWS_KMS_KEY). The
#     node redeems it with `openclaw connect`, which pairs the device and approves its commands.
# Work per run is bounded: at most OPENCLAW_AWS_PAIRING_BATCH (10) codes minted, the nodes that have
# waited longest first (never given a code, then the oldest code), at most as many withdrawn, and at most
# as many codes looked up.
# With the timer's one run a minute, N waiting nodes all have a code within ceil(N / 10) minutes.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=gateway-pairing
enable_error_trap

max_age="${OPENCLAW_AWS_JOIN_CODE_MAX_AGE:-480}"
# 30 s for each gateway call rather than OpenClaw's 10 s default: a loaded host (a busy agent, the gateway
# warming up after a restart) can take longer to answer, and the unit allows 300 s.
rpc_budget_ms=30000
batch="${OPENCLAW_AWS_PAIRING_BATCH:-10}"
nodes=$(aws ssm get-parameters-by-path --region "$AWS_DEFAULT_REGION" --path "$OPENCLAW_AWS_PARAM_NODE_LIST" \
  --query 'Parameters[].Value' --output json) || die "cannot read the node list under ${OPENCLAW_AWS_PARAM_NODE_LIST}"
if [[ $(jq 'length' <<<"$nodes") -eq 0 ]]; then
  log "no nodes to pair"
  exit 0
fi
[[ -n "${OPENCLAW_GATEWAY_TOKEN:-}" ]] || die "OPENCLAW_GATEWAY_TOKEN is not set (gateway-token.env missing?)"

state_dir="$OPENCLAW_AWS_PAIRING_DIR"
install -d -m 0700 "$state_dir"
# <node name>.minted: one line per code minted for it, "<time> <setup id>", the last four (one every
# max_age seconds: all the gateway may still report on).
stamp_of() { printf '%s/%s.minted' "$state_dir" "$(printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_')"; }
devices=$(jq -c 'if type == "object" then . else {} end' "$OPENCLAW_AWS_NODE_DEVICES" 2>/dev/null) || devices='{}'
# Right after a restart (a boot, a token rotation) the gateway answers /healthz a little before its RPC:
# a few tries, rather than a failed run; only the answer of the try that worked is kept. Ten tries 6 s apart
# (about two minutes with the calls): node.list's CLI fails fast while the gateway is not up yet.
node_status() {
  local answer
  answer=$(openclaw_rpc "$rpc_budget_ms" gateway call node.list --json) || return 1
  printf '%s' "$answer"
}
status=$(retry 10 6 node_status) || die "cannot read node status from the gateway"
now=$(date +%s)

# The names connected devices that are no node's present: the codes of those nodes, newest first.
looked=0
while read -r name; do
  stamp=$(stamp_of "$name")
  [[ -f "$stamp" ]] || continue
  while read -r _ id && ((looked++ < batch)); do
    [[ -n "$id" ]] || continue
    device=$(openclaw_rpc "$rpc_budget_ms" gateway call device.pair.setupStatus --json --params "{\"setupId\":\"${id}\"}" |
      jq -r '(.completion // .deliveryUncertain).deviceId // empty') || die "cannot ask the gateway about a join code of '${name}'"
    if [[ -n "$device" ]]; then
      devices=$(jq -c --arg n "$name" --arg d "$device" '.[$n] = $d' <<<"$devices")
      printf '%s\n' "$devices" >"${OPENCLAW_AWS_NODE_DEVICES}.tmp" && mv -f "${OPENCLAW_AWS_NODE_DEVICES}.tmp" "$OPENCLAW_AWS_NODE_DEVICES"
      log "node '${name}' joined as device ${device}"
      break
    fi
  done < <(tac "$stamp")
done < <(jq -r --argjson devices "$devices" '[.nodes[]? | select(.paired == true and .connected == true)
  | select(.nodeId as $id | [$devices[]] | index($id) | not) | .displayName] | unique[]' <<<"$status")

# One line per node: connected (its device paired and connected), display name, pairing parameter.
node_lines=$(jq -r --argjson status "$status" --argjson devices "$devices" '
  [$status.nodes[]? | select(.paired == true and .connected == true) | .nodeId] as $connected
  | .[] | fromjson | .displayName as $n | [($devices[$n] as $d | any($connected[]; . == $d)), $n, .pairingParameter] | @tsv' <<<"$nodes")

withdrawn=0
due=()
while IFS=$'\t' read -r connected name parameter; do
  [[ -n "$name" ]] || continue
  stamp=$(stamp_of "$name")
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
  if [[ -f "$stamp" ]]; then read -r minted _ < <(tail -n 1 "$stamp"); fi
  if ((now - minted >= max_age)); then due+=("${minted}"$'\t'"${name}"$'\t'"${parameter}"); fi
done <<<"$node_lines"

if ((${#due[@]} > batch)); then
  log "${#due[@]} nodes wait for a join code; minting ${batch} now (at most ${batch} a run), the longest waiting first"
fi
# Longest waiting first: never given a code (0), then the oldest code; ties keep the list's order.
while IFS=$'\t' read -r _ name parameter; do
  [[ -n "$name" ]] || continue
  stamp=$(stamp_of "$name")
  code=$(openclaw_rpc "$rpc_budget_ms" gateway call device.pair.setupCode --json --params '{"bootstrapProfile":"node","includeQr":false,"joinUrl":true}') ||
    die "minting a join code failed"
  join_url=$(jq -r '.joinUrl // empty' <<<"$code")
  [[ -n "$join_url" ]] || die "the gateway returned no join URL"
  printf '%s' "$join_url" | ssm_put "$parameter" SecureString || die "cannot write ${parameter}"
  { tail -n 3 "$stamp" 2>/dev/null || true; jq -r --arg now "$now" '"\($now) \(.setupId)"' <<<"$code"; } >"${stamp}.tmp"
  mv -f "${stamp}.tmp" "$stamp"
  log "node '${name}' is not connected: published a fresh join code in ${parameter}"
done < <(if ((${#due[@]} > 0)); then printf '%s\n' "${due[@]}" | sort -s -n -t $'\t' -k1,1 | head -n "$batch"; fi)
