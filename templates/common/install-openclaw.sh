#!/bin/bash
# /usr/local/lib/openclaw-aws/install-openclaw.sh — install OpenClaw, pinned:
#   npm:    npm install -g --prefix <prefix>/openclaw/npm-<version> openclaw@<version>
#   source: shallow fetch of <repository> at <ref>, pnpm install && pnpm build
#           (a temporary swap file keeps the build from running out of memory on small hosts)
# and point <prefix>/openclaw/current at the package directory (the one holding openclaw.mjs).
# Idempotent: a complete install of the same version/ref is kept.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=install-openclaw
enable_error_trap

root="${OPENCLAW_AWS_PREFIX}/openclaw"
install -d -m 0755 "$root"
# OpenClaw's preinstall checks the node on PATH: ours goes first.
export PATH="${OPENCLAW_AWS_PREFIX}/node/current/bin:${PATH}"
export HOME="${HOME:-/root}"
export npm_config_cache="${OPENCLAW_AWS_PREFIX}/.npm-cache" npm_config_update_notifier=false \
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

case "$OPENCLAW_AWS_INSTALL_METHOD" in
  npm)
    dest="${root}/npm-${OPENCLAW_AWS_OPENCLAW_VERSION}"
    package="${dest}/lib/node_modules/openclaw"
    if [[ -f "${dest}/.complete" && -f "${package}/openclaw.mjs" ]]; then
      log "openclaw@${OPENCLAW_AWS_OPENCLAW_VERSION} already installed in ${dest}"
    else
      log "installing openclaw@${OPENCLAW_AWS_OPENCLAW_VERSION} from npm"
      rm -rf "${dest}.tmp"
      retry 3 15 npm install -g --prefix "${dest}.tmp" --loglevel=warn "openclaw@${OPENCLAW_AWS_OPENCLAW_VERSION}"
      touch "${dest}.tmp/.complete"
      rm -rf "$dest"
      mv "${dest}.tmp" "$dest"
    fi
    ;;
  source)
    ref_dir=$(printf '%s' "$OPENCLAW_AWS_OPENCLAW_REF" | tr -c 'A-Za-z0-9._-' '_')
    dest="${root}/source-${ref_dir}"
    package="${dest}"
    if [[ -f "${dest}/.complete" && -f "${package}/openclaw.mjs" ]]; then
      log "OpenClaw ${OPENCLAW_AWS_OPENCLAW_REF} already built in ${dest}"
    else
      log "building OpenClaw from ${OPENCLAW_AWS_OPENCLAW_REPOSITORY} at ${OPENCLAW_AWS_OPENCLAW_REF}"
      rm -rf "${dest}.tmp"
      install -d -m 0755 "${dest}.tmp"
      git -C "${dest}.tmp" init -q
      git -C "${dest}.tmp" remote add origin "$OPENCLAW_AWS_OPENCLAW_REPOSITORY"
      # Works for branches, tags and commit ids; the repository is several GB, so depth 1.
      retry 3 15 git -C "${dest}.tmp" fetch -q --depth 1 origin "$OPENCLAW_AWS_OPENCLAW_REF"
      git -C "${dest}.tmp" checkout -q --detach FETCH_HEAD
      # The pnpm version the repository declares (packageManager), else pnpm 10.
      pnpm_spec=$(node -p 'const p=require(process.argv[1]).packageManager||""; p.startsWith("pnpm@")?p.split("+")[0]:"pnpm@10"' "${dest}.tmp/package.json")
      log "using ${pnpm_spec}"
      npm install -g --prefix "${OPENCLAW_AWS_PREFIX}/pnpm" --loglevel=warn "$pnpm_spec"
      export PATH="${OPENCLAW_AWS_PREFIX}/pnpm/bin:${PATH}"
      swap_on_if_small
      trap swap_off EXIT
      (cd "${dest}.tmp" && CI=true pnpm install --frozen-lockfile && pnpm build)
      swap_off
      [[ -f "${dest}.tmp/openclaw.mjs" ]] || die "the build produced no openclaw.mjs"
      touch "${dest}.tmp/.complete"
      rm -rf "$dest"
      mv "${dest}.tmp" "$dest"
    fi
    ;;
  *) die "unknown install method '${OPENCLAW_AWS_INSTALL_METHOD}'" ;;
esac

ln -sfn "$package" "${root}/.current.tmp"
mv -Tf "${root}/.current.tmp" "${root}/current"
log "OpenClaw $(node "${root}/current/openclaw.mjs" --version 2>/dev/null | tail -n 1) at ${root}/current"
