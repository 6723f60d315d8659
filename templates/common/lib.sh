# shellcheck shell=bash
# /usr/local/lib/openclaw-aws/lib.sh — helpers shared by the openclaw-aws host scripts.
# Sourced after /etc/openclaw-aws/host.env. Never prints secrets: values read from SSM are only
# ever held in variables or written to files of mode 0600.

OPENCLAW_AWS_TAG="${OPENCLAW_AWS_TAG:-openclaw-aws}"

log() {
  # One line to stderr (journal / cloud-init output) and, for the boot scripts, the boot log.
  printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$OPENCLAW_AWS_TAG" "$*" >&2
}

die() {
  log "FATAL: $*"
  exit 1
}

# Fail loudly: every unexpected error names the command and line that failed.
on_error() {
  local rc=$1 line=$2 cmd=$3
  log "FAILED (exit ${rc}) at ${BASH_SOURCE[1]:-?}:${line}: ${cmd}"
  exit "$rc"
}

enable_error_trap() {
  set -Eeuo pipefail
  trap 'on_error "$?" "$LINENO" "$BASH_COMMAND"' ERR
}

# Send everything this script prints to the boot log as well (and keep it on stdout/stderr).
log_to_boot_file() {
  install -d -m 0755 "$(dirname "$OPENCLAW_AWS_LOG_FILE")"
  touch "$OPENCLAW_AWS_LOG_FILE"
  chmod 0640 "$OPENCLAW_AWS_LOG_FILE"
  exec > >(tee -a "$OPENCLAW_AWS_LOG_FILE") 2>&1
}

require_root() {
  [[ $(id -u) -eq 0 ]] || die "must run as root"
}

# retry <attempts> <delay-seconds> <command...>
retry() {
  local attempts=$1 delay=$2 n=1
  shift 2
  until "$@"; do
    if ((n >= attempts)); then
      log "giving up after ${n} attempts: $1"
      return 1
    fi
    log "attempt ${n}/${attempts} failed: $1; retrying in ${delay}s"
    sleep "$delay"
    n=$((n + 1))
  done
}

# wait_for SECONDS UNIT WHAT COMMAND...: runs COMMAND every 3 s until it succeeds. After SECONDS it
# shows UNIT's last journal lines and dies with "WHAT within SECONDS s".
wait_for() {
  local seconds=$1 unit=$2 what=$3
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      journalctl -u "$unit" -n 30 --no-pager >&2 || true
      die "${what} within ${seconds} s (see journalctl -u ${unit})"
    fi
    sleep 3
  done
}

# Check a file against a subresource-integrity string (sha256-/sha384-/sha512-<base64>).
verify_integrity() {
  local file=$1 sri=$2 alg expected actual
  alg=${sri%%-*}
  expected=${sri#*-}
  case "$alg" in
    sha256 | sha384 | sha512) ;;
    *) die "unsupported integrity algorithm '${alg}' for ${file}" ;;
  esac
  actual=$(openssl dgst "-${alg}" -binary "$file" | base64 -w0)
  if [[ "$actual" != "$expected" ]]; then
    log "checksum mismatch for ${file}: expected ${alg}-${expected}, got ${alg}-${actual}"
    return 1
  fi
  log "checksum ok (${alg}) for $(basename "$file")"
}

# ---------------------------------------------------------------- SSM Parameter Store
# The AWS CLI honours AWS_ENDPOINT_URL (tests point it at a local SSM); on EC2 it uses the
# instance role. Region comes from host.env.

# ssm_get <name>: print the (decrypted) value.
ssm_get() {
  aws ssm get-parameter --region "$AWS_DEFAULT_REGION" --name "$1" --with-decryption \
    --query Parameter.Value --output text
}

# ssm_put <name> <String|SecureString> [kms-key-id]: store stdin (trailing newline stripped) with
# --overwrite, a SecureString under the given KMS key (else the account's aws/ssm key).
# The value goes through a 0600 file, never through a command line.
ssm_put() {
  local name=$1 type=$2 key=${3:-} dir rc=0
  dir=$(mktemp -d)
  chmod 0700 "$dir"
  jq -n --arg name "$name" --arg type "$type" --arg key "$key" --rawfile value /dev/stdin \
    '{Name: $name, Type: $type, Value: ($value | rtrimstr("\n")), Overwrite: true} + (if $key == "" then {} else {KeyId: $key} end)' >"$dir/input.json"
  aws ssm put-parameter --region "$AWS_DEFAULT_REGION" --cli-input-json "file://$dir/input.json" \
    --output text --query Version >/dev/null || rc=$?
  rm -rf "$dir"
  return "$rc"
}

# ssm_delete <name>: delete a parameter; one that does not exist (any more) is fine.
ssm_delete() {
  local error
  if ! error=$(aws ssm delete-parameter --region "$AWS_DEFAULT_REGION" --name "$1" 2>&1 >/dev/null); then
    [[ "$error" == *ParameterNotFound* ]] && return 0
    printf '%s\n' "$error" >&2
    return 1
  fi
}

# ssm_published <name>: print the value when it is set to something else than the placeholder;
# return 1 when it still holds the placeholder (or cannot be read).
ssm_published() {
  local value
  value=$(ssm_get "$1" 2>/dev/null) || return 1
  [[ -n "$value" && "$value" != "$OPENCLAW_AWS_PLACEHOLDER" && "$value" != "None" ]] || return 1
  printf '%s' "$value"
}

# ---------------------------------------------------------------- EC2 instance metadata (IMDSv2)
imds() {
  local token
  token=$(curl -fsS -m 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' \
    http://169.254.169.254/latest/api/token) || return 1
  curl -fsS -m 5 -H "X-aws-ec2-metadata-token: ${token}" "http://169.254.169.254/latest/meta-data/$1"
}

# ---------------------------------------------------------------- small file helpers
# write_file <path> <mode> <owner>: atomically replace <path> with stdin.
write_file() {
  local path=$1 mode=$2 owner=$3 tmp
  tmp=$(mktemp "${path}.XXXXXX")
  chmod "$mode" "$tmp"
  cat >"$tmp"
  if [[ -n "$owner" ]]; then chown "$owner" "$tmp"; fi
  mv -f "$tmp" "$path"
}

# The OpenClaw CLI, as this host runs it (paths from host.env).
openclaw_cli() {
  "$OPENCLAW_AWS_NODE" "$OPENCLAW_AWS_OPENCLAW_ENTRY" "$@"
}
