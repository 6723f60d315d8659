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

# Send everything this script prints to the boot log as well (and keep it on stdout/stderr). A script
# run by one that already does (prepare-host.sh by the boot script) leaves it at that, or each of its
# lines would be in the log twice.
log_to_boot_file() {
  [[ -z "${OPENCLAW_AWS_LOGGING_TO_BOOT_FILE:-}" ]] || return 0
  export OPENCLAW_AWS_LOGGING_TO_BOOT_FILE=1
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

# ssm_put <name> <String|SecureString>: store stdin (trailing newline stripped) with --overwrite.
# The value goes through a 0600 file, never through a command line. A SecureString is encrypted with
# the stack's key (OPENCLAW_AWS_KMS_KEY) when the host has one: SSM would otherwise take aws/ssm, which
# every principal of the account may decrypt through SSM.
ssm_put() {
  local name=$1 type=$2 dir rc=0
  dir=$(mktemp -d)
  chmod 0700 "$dir"
  jq -n --arg name "$name" --arg type "$type" --arg key "${OPENCLAW_AWS_KMS_KEY:-}" --rawfile value /dev/stdin \
    '{Name: $name, Type: $type, Value: ($value | rtrimstr("\n")), Overwrite: true}
     + (if $type == "SecureString" and $key != "" then {KeyId: $key} else {} end)' >"$dir/input.json"
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

# ---------------------------------------------------------------- Secrets Manager
# Terraform creates the secret without a value (so the value never reaches its state); the host that
# owns it puts the first value and reads it back afterwards. Values only pass through 0600 files and
# variables, never through a command line.

# secret_has_value <secret-id>: whether the secret holds a current value; dies when it cannot be read.
secret_has_value() {
  local stages
  # shellcheck disable=SC2016 # a JMESPath literal, not a shell expansion
  stages=$(aws secretsmanager describe-secret --region "$AWS_DEFAULT_REGION" --secret-id "$1" \
    --query 'length(VersionIdsToStages || `{}`)' --output text) || die "cannot describe secret $1"
  [[ "$stages" != 0 ]]
}

# secret_get <secret-id>: print the current value.
secret_get() {
  aws secretsmanager get-secret-value --region "$AWS_DEFAULT_REGION" --secret-id "$1" \
    --query SecretString --output text
}

# secret_put <secret-id>: store stdin (trailing newline stripped) as the secret's current value.
secret_put() {
  local id=$1 dir rc=0
  dir=$(mktemp -d)
  chmod 0700 "$dir"
  (umask 077 && jq -j -n --rawfile value /dev/stdin '$value | rtrimstr("\n")' >"$dir/value")
  aws secretsmanager put-secret-value --region "$AWS_DEFAULT_REGION" --secret-id "$id" \
    --secret-string "file://$dir/value" --output text --query VersionId >/dev/null || rc=$?
  rm -rf "$dir"
  return "$rc"
}

# ---------------------------------------------------------------- EC2 instance metadata (IMDSv2)
imds() {
  local token
  token=$(curl -fsS -m 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' \
    http://169.254.169.254/latest/api/token) || return 1
  curl -fsS -m 5 -H "X-aws-ec2-metadata-token: ${token}" "http://169.254.169.254/latest/meta-data/$1"
}

# ---------------------------------------------------------------- the stack's install-files bucket
# s3_fetch <bucket> <key> <sha256> <dest> <what>: download one object to <dest> (a path in root's folders)
# and check it against its sha256; on a mismatch removes it and dies, naming <what>.
s3_fetch() {
  local bucket=$1 key=$2 sha256=$3 dest=$4 what=$5 actual
  log "downloading ${what} s3://${bucket}/${key}"
  retry 5 5 aws s3api get-object --region "$AWS_DEFAULT_REGION" --bucket "$bucket" --key "$key" "$dest" >/dev/null
  actual=$(openssl dgst -sha256 -r "$dest" | cut -d' ' -f1)
  if [[ "$actual" != "$sha256" ]]; then
    rm -f "$dest"
    die "checksum mismatch for ${what}: expected sha256 ${sha256}, got ${actual}"
  fi
  log "checksum ok (sha256) for ${what}"
}

# install_host_files: the scripts host.env's host-files object holds (a JSON list of {path, mode,
# content}), each written root-owned with its mode (all in root's folders), then marked installed with
# the object's sha256: a run with the same object (a reboot, channels_apply_command) downloads nothing.
install_host_files() {
  local marker="${OPENCLAW_AWS_LIB_DIR}/.host-files.complete" list count i
  if [[ -f "$marker" && "$(cat "$marker")" == "$OPENCLAW_AWS_HOST_FILES_SHA256" ]]; then
    log "host files (${OPENCLAW_AWS_HOST_FILES_SHA256:0:12}) already installed"
    return 0
  fi
  list="${OPENCLAW_AWS_LIB_DIR}/.host-files.json"
  s3_fetch "$OPENCLAW_AWS_HOST_FILES_BUCKET" "$OPENCLAW_AWS_HOST_FILES_KEY" "$OPENCLAW_AWS_HOST_FILES_SHA256" "$list" "the host files"
  count=$(jq length "$list")
  for ((i = 0; i < count; i++)); do
    jq -j ".[${i}].content" "$list" | write_file "$(jq -r ".[${i}].path" "$list")" "$(jq -r ".[${i}].mode" "$list")" ""
  done
  rm -f "$list"
  printf '%s\n' "$OPENCLAW_AWS_HOST_FILES_SHA256" | write_file "$marker" 0644 ""
  log "installed ${count} host files (${OPENCLAW_AWS_HOST_FILES_SHA256:0:12})"
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

# read_as_service_user <path> <max bytes>: print a file of the service user's side as that user reads it
# (a link leads only where it may read; a FIFO or a stuck read ends after 10 s), at most <max bytes>: fails
# when it cannot be read or is larger. Root treats what it prints as data to check, never as code or a path.
read_as_service_user() {
  local content LC_ALL=C
  content=$(runuser -u "$OPENCLAW_AWS_USER" -- timeout 10 head -c "$(($2 + 1))" -- "$1" 2>/dev/null) || return 1
  ((${#content} <= $2)) || return 1
  printf '%s\n' "$content"
}

# waiting <what>: one wait of a loop bounded by $deadline (SECONDS, $timeout after its start): dies once
# it has passed, logs at most once a minute, sleeps $poll seconds.
waiting() {
  ((SECONDS < deadline)) || die "gave up after ${timeout:-} s waiting for $1"
  if ((SECONDS >= ${next_note:-0})); then
    log "waiting for $1 ($((deadline - SECONDS)) s left)"
    next_note=$((SECONDS + 60))
  fi
  sleep "${poll:-10}"
}

# openclaw_rpc BUDGET_MS ARGS...: the OpenClaw CLI as this host runs it (paths from host.env), for a call
# the gateway answers (`gateway call <method>`), waiting at most BUDGET_MS for the answer: each timer
# sets the budget its unit's TimeoutStartSec leaves room for. The timers ask for node.list itself, what
# `openclaw nodes status --json` prints, at half that command's CPU (2.6 CPU-s instead of 5.6, measured),
# twice a minute.
openclaw_rpc() {
  local budget=$1
  shift
  "$OPENCLAW_AWS_NODE" "$OPENCLAW_AWS_OPENCLAW_ENTRY" "$@" --timeout "$budget"
}
