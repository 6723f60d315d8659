#!/bin/bash
# /usr/local/lib/openclaw-aws/channel-secrets.sh — reads the configured chat channels' tokens from their
# SSM SecureString parameters (the user creates them with the stack's *_command outputs; Terraform never
# holds them, so no token is in its state) into
# the gateway unit's EnvironmentFile (mode 0600; openclaw.json names them as env SecretRefs), and
# prints, one per line, the channels whose secret is still the placeholder: the boot turns those off
# (enabled: false) with one log line each instead of letting them fail in the gateway.
# Values only pass through variables and a 0600 file, never a command line or a log.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG="channel-secrets"
enable_error_trap

declare -A off=()
lines=""
for entry in $OPENCLAW_AWS_CHANNEL_SECRETS; do
  IFS=: read -r channel env parameter <<<"$entry"
  if value=$(ssm_published "$parameter"); then
    [[ "$value" != *[\'\\$'\n\r']* ]] || die "channel ${channel}: ${parameter} holds a quote, backslash or line break, which an EnvironmentFile cannot carry"
    lines+="${env}='${value}'"$'\n'
  else
    off[$channel]=1
    log "channel ${channel}: ${parameter} is not set, the channel stays off until it is: printf %s \"\$${env}\" | aws ssm put-parameter --region ${AWS_DEFAULT_REGION} --name ${parameter} --type SecureString --overwrite --value file:///dev/stdin"
  fi
done
printf '%s' "$lines" | write_file "$OPENCLAW_AWS_CHANNEL_SECRETS_ENV" 0600 ""
for channel in "${!off[@]}"; do
  echo "$channel"
done
