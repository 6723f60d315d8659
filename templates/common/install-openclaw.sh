#!/bin/bash
# /usr/local/lib/openclaw-aws/install-openclaw.sh — install OpenClaw, every byte checked:
#   npm:    OpenClaw's lock (every package's resolved URL and sha512) from the stack's install-files
#           bucket, checked against the sha256 in host.env, then `npm ci --ignore-scripts`: npm checks each
#           tarball against the lock, and no package's install script runs (OpenClaw needs none).
#   source: one commit of <repository> (fetched by its SHA, checked), built with the pinned pnpm's
#           executable (its tarball checked against its integrity); pnpm install --frozen-lockfile checks
#           every dependency against the repository's pnpm-lock.yaml.
# and point <prefix>/openclaw/current at the package directory (the one holding openclaw.mjs).
# Idempotent: a complete install of the same lock/commit is kept; a failed one leaves nothing behind.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=install-openclaw
enable_error_trap

root="${OPENCLAW_AWS_PREFIX}/openclaw"
install -d -m 0755 "$root"
export PATH="${OPENCLAW_AWS_PREFIX}/node/current/bin:${PATH}"
export HOME="${HOME:-/root}"
# No npmrc of root's decides what is installed (the global one is our Node's own, root's); the cache is root's own.
export npm_config_userconfig=/dev/null \
  npm_config_cache="${OPENCLAW_AWS_PREFIX}/.npm-cache" npm_config_update_notifier=false \
  npm_config_fund=false npm_config_audit=false

SWAPFILE=/var/swap.openclaw-build

swap_on_if_small() {
  local mem_kb swap_kb
  mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  swap_kb=$(awk '/^SwapTotal:/ {print $2}' /proc/meminfo)
  if ((mem_kb + swap_kb < 6 * 1024 * 1024)) && [[ ! -e "$SWAPFILE" ]]; then
    log "only $((mem_kb / 1024)) MiB memory: adding a 4 GiB swap file for the build"
    dd if=/dev/zero of="$SWAPFILE" bs=1M count=4096 status=none
    chmod 0600 "$SWAPFILE"
    mkswap "$SWAPFILE" >/dev/null
    swapon "$SWAPFILE"
  fi
}

swap_off() {
  if [[ -e "$SWAPFILE" ]]; then
    swapoff "$SWAPFILE" 2>/dev/null || true
    rm -f "$SWAPFILE"
  fi
}

# install_dir <dest> <marker value> <step...>: runs the steps in <dest>.tmp (removed first and on any
# failure), then marks it complete with <marker value> and moves it to <dest>.
install_dir() {
  local dest=$1 marker=$2
  shift 2
  rm -rf "${dest}.tmp"
  install -d -m 0755 "${dest}.tmp"
  # The path is expanded now: at exit, a function that failed may have a local of the same name.
  # shellcheck disable=SC2064
  trap "rm -rf $(printf %q "${dest}.tmp"); swap_off" EXIT
  "$@" "${dest}.tmp"
  printf '%s\n' "$marker" >"${dest}.tmp/.complete"
  rm -rf "$dest"
  mv "${dest}.tmp" "$dest"
  trap - EXIT
}

# complete <dest> <marker value>: whether <dest> holds a finished install of exactly that lock/commit.
complete() {
  [[ -f "${1}/.complete" && "$(cat "${1}/.complete")" == "$2" ]]
}

npm_install() {
  local dir=$1
  s3_fetch "$OPENCLAW_AWS_OPENCLAW_LOCK_BUCKET" "$OPENCLAW_AWS_OPENCLAW_LOCK_KEY" "$OPENCLAW_AWS_OPENCLAW_LOCK_SHA256" \
    "${dir}/package-lock.json" "OpenClaw's lock"
  # The package.json npm ci wants is the lock's own root entry.
  jq '.packages[""] | {name, version, private: true, dependencies}' "${dir}/package-lock.json" >"${dir}/package.json"
  [[ "$(jq -r '.packages["node_modules/openclaw"].version' "${dir}/package-lock.json")" == "$OPENCLAW_AWS_OPENCLAW_VERSION" ]] ||
    die "OpenClaw's lock is not for openclaw@${OPENCLAW_AWS_OPENCLAW_VERSION}"
  log "installing openclaw@${OPENCLAW_AWS_OPENCLAW_VERSION} from its lock"
  # npm retries a failed fetch itself; an integrity mismatch fails at once.
  (cd "$dir" && npm ci --ignore-scripts --loglevel=warn)
  [[ -f "${dir}/node_modules/openclaw/openclaw.mjs" ]] || die "the install produced no openclaw.mjs"
}

pnpm_exe() {
  local dir=$1
  log "installing pnpm ${OPENCLAW_AWS_PNPM_VERSION}"
  retry 5 5 curl -fsSL --retry 3 -o "${dir}/pnpm.tgz" "$OPENCLAW_AWS_PNPM_URL"
  verify_integrity "${dir}/pnpm.tgz" "$OPENCLAW_AWS_PNPM_INTEGRITY" || die "pnpm's tarball does not match its integrity"
  tar -xzf "${dir}/pnpm.tgz" -C "$dir" --strip-components=1 --no-same-owner package/pnpm
  rm -f "${dir}/pnpm.tgz"
  [[ "$("${dir}/pnpm" --version)" == "$OPENCLAW_AWS_PNPM_VERSION" ]] || die "pnpm reports another version than ${OPENCLAW_AWS_PNPM_VERSION}"
}

source_build() {
  local dir=$1
  git -C "$dir" init -q
  git -C "$dir" remote add origin "$OPENCLAW_AWS_OPENCLAW_REPOSITORY"
  # By its SHA (GitHub serves any reachable commit); the repository is several GB, so depth 1.
  retry 3 15 git -C "$dir" fetch -q --depth 1 origin "$OPENCLAW_AWS_OPENCLAW_COMMIT"
  git -C "$dir" checkout -q --detach FETCH_HEAD
  [[ "$(git -C "$dir" rev-parse HEAD)" == "$OPENCLAW_AWS_OPENCLAW_COMMIT" ]] || die "the fetched commit is not ${OPENCLAW_AWS_OPENCLAW_COMMIT}"
  swap_on_if_small
  # pm-on-fail=error: a repository that declares another pnpm fails here instead of pnpm downloading
  # that version by name.
  (cd "$dir" && CI=true pnpm_config_pm_on_fail=error "${pnpm_dir}/pnpm" install --frozen-lockfile &&
    pnpm_config_pm_on_fail=error "${pnpm_dir}/pnpm" build)
  swap_off
  [[ -f "${dir}/openclaw.mjs" ]] || die "the build produced no openclaw.mjs"
}

case "$OPENCLAW_AWS_INSTALL_METHOD" in
  npm)
    dest="${root}/npm-${OPENCLAW_AWS_OPENCLAW_VERSION}"
    package="${dest}/node_modules/openclaw"
    if complete "$dest" "$OPENCLAW_AWS_OPENCLAW_LOCK_SHA256"; then
      log "openclaw@${OPENCLAW_AWS_OPENCLAW_VERSION} (lock ${OPENCLAW_AWS_OPENCLAW_LOCK_SHA256:0:12}) already installed in ${dest}"
    else
      install_dir "$dest" "$OPENCLAW_AWS_OPENCLAW_LOCK_SHA256" npm_install
    fi
    ;;
  source)
    pnpm_dir="${OPENCLAW_AWS_PREFIX}/pnpm/${OPENCLAW_AWS_PNPM_VERSION}"
    if ! complete "$pnpm_dir" "$OPENCLAW_AWS_PNPM_INTEGRITY"; then
      install_dir "$pnpm_dir" "$OPENCLAW_AWS_PNPM_INTEGRITY" pnpm_exe
    fi
    dest="${root}/source-${OPENCLAW_AWS_OPENCLAW_COMMIT}"
    package="${dest}"
    if complete "$dest" "$OPENCLAW_AWS_OPENCLAW_COMMIT"; then
      log "OpenClaw ${OPENCLAW_AWS_OPENCLAW_COMMIT} already built in ${dest}"
    else
      log "building OpenClaw from ${OPENCLAW_AWS_OPENCLAW_REPOSITORY} at ${OPENCLAW_AWS_OPENCLAW_COMMIT}"
      install_dir "$dest" "$OPENCLAW_AWS_OPENCLAW_COMMIT" source_build
    fi
    ;;
  *) die "unknown install method '${OPENCLAW_AWS_INSTALL_METHOD}'" ;;
esac

ln -sfn "$package" "${root}/.current.tmp"
mv -Tf "${root}/.current.tmp" "${root}/current"
log "OpenClaw $(node "${root}/current/openclaw.mjs" --version 2>/dev/null | tail -n 1) at ${root}/current"
