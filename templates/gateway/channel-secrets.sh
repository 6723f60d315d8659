#!/bin/bash
# /usr/local/lib/openclaw-aws/channel-secrets.sh — reads the configured chat channels' tokens from their
# SSM SecureString parameters (the user creates them with the stack's *_command outputs; Terraform never
# holds them, so no token is in its state) into
# the gateway unit's EnvironmentFile (mode 0600; openclaw.json names them as env SecretRefs), and
# prints, one per line, the channels whose secret is still the placeholder or is not under the stack's
# key (OPENCLAW_AWS_KMS_KEY; under aws/ssm any principal of the account could decrypt it through SSM):
# the boot turns those off (enabled: false) with one log line each, naming the command that fixes it,
# instead of letting them fail in the gateway or using a token the account can read.
# Values only pass through variables and a 0600 file, never a command line or a log.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG="channel-secrets"
enable_error_trap

# parameter_key <name>: the KMS key of the parameter's latest version, as SSM names it (the alias or key
# id it was put with, e.g. alias/aws/ssm). JSON output: the CLI queries the whole history, not each page.
parameter_key() {
  aws ssm get-parameter-history --region "$AWS_DEFAULT_REGION" --name "$1" --query 'Parameters[-1].KeyId' --output json | jq -r '. // ""'
}

# is_stack_key <key>: whether SSM's name for a key is the stack's key: its alias (or the alias's ARN), or
# its key id or ARN (asked of KMS once, only for a key not named by the alias).
stack_key_ids=""
is_stack_key() {
  [[ "$1" == "$OPENCLAW_AWS_KMS_KEY" || "$1" == *":${OPENCLAW_AWS_KMS_KEY}" ]] && return 0
  if [[ -z "$stack_key_ids" ]]; then
    stack_key_ids=$(aws kms describe-key --region "$AWS_DEFAULT_REGION" --key-id "$OPENCLAW_AWS_KMS_KEY" --query 'KeyMetadata.[KeyId,Arn]' --output text) ||
      die "cannot describe the stack's key ${OPENCLAW_AWS_KMS_KEY}"
  fi
  [[ " ${stack_key_ids//$'\t'/ } " == *" $1 "* ]]
}

declare -A off=()
lines=""
for entry in $OPENCLAW_AWS_CHANNEL_SECRETS; do
  IFS=: read -r channel env parameter <<<"$entry"
  # The same command as the stack's <parameter>_command output (channelSecretCommand).
  fix="printf %s \"\$${env}\" | aws ssm put-parameter --region ${AWS_DEFAULT_REGION} --name ${parameter} --type SecureString --key-id ${OPENCLAW_AWS_KMS_KEY} --overwrite --value file:///dev/stdin"
  if ! value=$(ssm_published "$parameter"); then
    off[$channel]=1
    log "channel ${channel}: ${parameter} is not set, the channel stays off until it is: ${fix}"
    continue
  fi
  key=$(parameter_key "$parameter") || die "channel ${channel}: cannot read the key of ${parameter}"
  if ! is_stack_key "$key"; then
    off[$channel]=1
    log "channel ${channel}: ${parameter} is encrypted with ${key:-no key}, not the stack's key ${OPENCLAW_AWS_KMS_KEY} (any principal of the account may decrypt that through SSM): the channel stays off until it is stored again with: ${fix}"
    continue
  fi
  [[ "$value" != *[\'\\$'\n\r']* ]] || die "channel ${channel}: ${parameter} holds a quote, backslash or line break, which an EnvironmentFile cannot carry"
  lines+="${env}='${value}'"$'\n'
done
printf '%s' "$lines" | write_file "$OPENCLAW_AWS_CHANNEL_SECRETS_ENV" 0600 ""
for channel in "${!off[@]}"; do
  echo "$channel"
done
