#!/bin/bash
# /usr/local/lib/openclaw-aws/gateway-health.sh — the deployment's application health as CloudWatch
# metrics, every minute (openclaw-gateway-health.timer), in OPENCLAW_AWS_METRICS_NAMESPACE:
#   - {{health.gatewayMetric}} (Host=<gateway>): 1 when the gateway answers /healthz, else 0;
#   - {{health.nodeMetric}} (Host=<node>): 1 for each listed node whose device the gateway reports paired
#     and connected (its node.list, what `openclaw nodes status --json` prints), else 0 (also when the
#     gateway cannot be asked). A node's device is the one that redeemed its join code
#     (OPENCLAW_AWS_NODE_DEVICES, kept by gateway-pairing.sh), never one that only presents its name.
# The alarms treat missing data as breaching: a host that stops reporting is unhealthy too.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=gateway-health
enable_error_trap

if [[ "$OPENCLAW_AWS_GATEWAY_TLS" == true ]]; then scheme=https; else scheme=http; fi
healthy=0
if curl -fsk -m 10 -o /dev/null "${scheme}://127.0.0.1:${OPENCLAW_AWS_GATEWAY_PORT}/healthz"; then healthy=1; fi

nodes=$(aws ssm get-parameters-by-path --region "$AWS_DEFAULT_REGION" --path "$OPENCLAW_AWS_PARAM_NODE_LIST" \
  --query 'Parameters[].Value' --output json) || die "cannot read the node list under ${OPENCLAW_AWS_PARAM_NODE_LIST}"
status='{}'
# OpenClaw's default 10 s: with the curl above and the two AWS calls, the run fits the unit's 50 s.
if [[ $(jq 'length' <<<"$nodes") -gt 0 ]] && ! status=$(openclaw_rpc 10000 gateway call node.list --json 2>/dev/null); then
  log "cannot read node status from the gateway: every node counts as not connected"
  status='{}'
fi

devices=$(jq -c 'if type == "object" then . else {} end' "$OPENCLAW_AWS_NODE_DEVICES" 2>/dev/null) || devices='{}'

metrics=$(jq -c --arg host "$OPENCLAW_AWS_HOST_NAME" --argjson healthy "$healthy" --argjson status "$status" \
  --argjson devices "$devices" --arg gateway_metric "$OPENCLAW_AWS_METRIC_GATEWAY_HEALTHY" --arg node_metric "$OPENCLAW_AWS_METRIC_NODE_CONNECTED" '
  [$status.nodes[]? | select(.paired == true and .connected == true) | .nodeId] as $connected
  | [{MetricName: $gateway_metric, Dimensions: [{Name: "Host", Value: $host}], Value: $healthy, Unit: "Count"}]
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
