#!/bin/bash
# /usr/local/lib/openclaw-aws/gateway-watch.sh — the gateway's round every minute
# (openclaw-gateway-watch.timer, as the service user, with the gateway token in its environment): first
# the health metrics, then the pairing work. One round reads the node list from SSM and asks the gateway
# for its node.list once, for both.
#
# 1. Health, as CloudWatch metrics in OPENCLAW_AWS_METRICS_NAMESPACE, published before any pairing work
#    so that the alarms see one value a minute however long the pairing takes:
#   - {{health.gatewayMetric}} (Host=<gateway>): 1 when the gateway answers /healthz, else 0;
#   - {{health.nodeMetric}} (Host=<node>): 1 for each listed node whose device the gateway reports paired
#     and connected (its node.list, what `openclaw nodes status --json` prints), else 0 (also when the
#     gateway cannot be asked). A node's device is the one that redeemed its join code, never one that
#     only presents its name.
#   The alarms treat missing data as breaching: a host that stops reporting is unhealthy too. So the round
#   runs when the gateway is down too (its unit does not require the gateway's), and reports it.
#
# 2. Pairing: hand every configured node a way in, when the gateway answered. The nodes are the String
#    parameters under OPENCLAW_AWS_PARAM_NODE_LIST (one per node, {"displayName", "pairingParameter"};
#    Terraform adds and removes them), read at every round.
#    A node is the device that redeemed a join code minted for it, never a device that only presents its
#    name (any node host can present any name): only that node's IAM role can read its pairing parameter.
#    Each code's setup id is kept beside the time it was minted; when a connected device is no node's yet,
#    the latest codes of the node whose name it presents are looked up (device.pair.setupStatus: the
#    gateway keeps a redemption 20 minutes), and the device that redeemed one is that node's from then on
#    (OPENCLAW_AWS_NODE_DEVICES). A device presenting another node's name redeemed none of that node's
#    codes, so it is never taken for it; an honest node presents its own name.
#    For each node:
#    - its device is paired and connected: delete the join code this gateway put in its pairing
#      parameter (a SecureString that exists only while a code is outstanding);
#    - otherwise make sure its pairing parameter holds a join URL minted less than
#      OPENCLAW_AWS_JOIN_CODE_MAX_AGE seconds ago (device.pair.setupCode, what `openclaw devices join-code`
#      calls: single use, valid about 10 minutes), encrypted with the stack key (OPENCLAW_AWS_KMS_KEY). The
#      node redeems it with `openclaw connect`, which pairs the device and approves its commands.
#    Work per round is bounded: at most OPENCLAW_AWS_PAIRING_BATCH (10) codes minted, the nodes that have
#    waited longest first (never given a code, then the oldest code), at most as many withdrawn, and at
#    most as many codes looked up. With one round a minute, N waiting nodes all have a code within
#    ceil(N / 10) minutes.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=gateway-watch
enable_error_trap

max_age="${OPENCLAW_AWS_JOIN_CODE_MAX_AGE:-480}"
# 30 s for each gateway call rather than OpenClaw's 10 s default: a loaded host (a busy agent, the gateway
# warming up after a restart) can take longer to answer, and the unit allows 300 s.
rpc_budget_ms=30000
batch="${OPENCLAW_AWS_PAIRING_BATCH:-10}"

# --- 1. Health
if [[ "$OPENCLAW_AWS_GATEWAY_TLS" == true ]]; then scheme=https; else scheme=http; fi
healthy=0
if curl -fsk -m 10 -o /dev/null "${scheme}://127.0.0.1:${OPENCLAW_AWS_GATEWAY_PORT}/healthz"; then healthy=1; fi

nodes=$(aws ssm get-parameters-by-path --region "$AWS_DEFAULT_REGION" --path "$OPENCLAW_AWS_PARAM_NODE_LIST" \
  --query 'Parameters[].Value' --output json) || die "cannot read the node list under ${OPENCLAW_AWS_PARAM_NODE_LIST}"
node_count=$(jq 'length' <<<"$nodes")
status=''
# Right after a restart the gateway answers /healthz a little before its RPC: then this round counts every
# node as not connected and leaves the pairing to the next one.
if ((node_count > 0)) && ! status=$(openclaw_rpc "$rpc_budget_ms" gateway call node.list --json 2>/dev/null); then
  log "cannot read node status from the gateway: every node counts as not connected"
  status=''
fi

# The ids of the devices the gateway reports paired and connected (none when it did not answer), and the
# device each node joined as.
connected=$(jq -c '[.nodes[]? | select(.paired == true and .connected == true) | .nodeId]' <<<"${status:-"{}"}")
devices=$(jq -c 'if type == "object" then . else {} end' "$OPENCLAW_AWS_NODE_DEVICES" 2>/dev/null) || devices='{}'

metrics=$(jq -c --arg host "$OPENCLAW_AWS_HOST_NAME" --argjson healthy "$healthy" --argjson connected "$connected" \
  --argjson devices "$devices" --arg gateway_metric "$OPENCLAW_AWS_METRIC_GATEWAY_HEALTHY" --arg node_metric "$OPENCLAW_AWS_METRIC_NODE_CONNECTED" '
  [{MetricName: $gateway_metric, Dimensions: [{Name: "Host", Value: $host}], Value: $healthy, Unit: "Count"}]
    + [.[] | fromjson | .displayName as $name
       | {MetricName: $node_metric, Dimensions: [{Name: "Host", Value: $name}],
          Value: (if ($devices[$name] as $d | any($connected[]; . == $d)) then 1 else 0 end), Unit: "Count"}]' <<<"$nodes")

# PutMetricData takes at most 1000 values a call: send 500 at a time.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
count=$(jq 'length' <<<"$metrics")
for ((offset = 0; offset < count; offset += 500)); do
  jq -c ".[${offset}:$((offset + 500))]" <<<"$metrics" >"${dir}/batch.json"
  aws cloudwatch put-metric-data --region "$AWS_DEFAULT_REGION" --namespace "$OPENCLAW_AWS_METRICS_NAMESPACE" \
    --metric-data "file://${dir}/batch.json" || die "cannot publish the health metrics"
done
log "published ${count} health values (gateway healthy: ${healthy})"

# --- 2. Pairing
if ((node_count == 0)); then
  log "no nodes to pair"
  exit 0
fi
if [[ -z "$status" ]]; then
  log "no pairing this round: the gateway did not answer node.list"
  exit 0
fi
[[ -n "${OPENCLAW_GATEWAY_TOKEN:-}" ]] || die "OPENCLAW_GATEWAY_TOKEN is not set (gateway-token.env missing?)"

state_dir="$OPENCLAW_AWS_PAIRING_DIR"
install -d -m 0700 "$state_dir"
# <node name>.minted: one line per code minted for it, "<time> <setup id>", the last four (one every
# max_age seconds: all the gateway may still report on).
stamp_of() { printf '%s/%s.minted' "$state_dir" "$(printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_')"; }
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
done < <(jq -r --argjson connected "$connected" --argjson devices "$devices" '[.nodes[]? | select(.nodeId as $id | $connected | index($id))
  | select(.nodeId as $id | [$devices[]] | index($id) | not) | .displayName] | unique[]' <<<"$status")

# One line per node: is_connected (its device paired and connected), display name, pairing parameter.
node_lines=$(jq -r --argjson connected "$connected" --argjson devices "$devices" '
  .[] | fromjson | .displayName as $n | [($devices[$n] as $d | any($connected[]; . == $d)), $n, .pairingParameter] | @tsv' <<<"$nodes")

withdrawn=0
due=()
while IFS=$'\t' read -r is_connected name parameter; do
  [[ -n "$name" ]] || continue
  stamp=$(stamp_of "$name")
  if [[ "$is_connected" == true ]]; then
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
  log "${#due[@]} nodes wait for a join code; minting ${batch} now (at most ${batch} a round), the longest waiting first"
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
