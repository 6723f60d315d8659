#!/bin/bash
# /usr/local/lib/openclaw-aws/install-plugins.sh <plugin id>=<npm package>@<version>@<sha512 integrity>... —
# installs the pinned OpenClaw plugins the deployment needs (the Amazon Bedrock provider, the external
# channel plugins). Each plugin's registry tarball is downloaded (by root, into a directory only root
# writes) and checked against its pinned integrity; only then does OpenClaw's own
# `openclaw plugins install npm-pack:<tarball>` install that file, through the host's `openclaw` CLI (as
# the service user, into the state dir: <state>/npm/projects/<package>-<hash>/, recorded in
# <state>/state/openclaw.sqlite and as plugins.entries.<id>.enabled in the live config). OpenClaw resolves
# the plugin's own dependencies with npm (--ignore-scripts), checked against the registry's integrity.
# `plugins install` fails when the plugin is already there, so this asks `plugins list` first:
# the pinned version installed -> nothing to do; another version -> replaced (--force); none -> installed.
# A plugin pinned as UNPINNED (the registry the pins were taken from did not serve it, so its integrity could
# not be had) is installed by name at its pinned version, with a WARNING line saying so.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG="install-plugins"
enable_error_trap

cli="${OPENCLAW_AWS_BIN_DIR}/openclaw"
installed=$("$cli" plugins list --json </dev/null | jq -c '[.plugins[] | select(.origin == "global") | {key: .id, value: .version}] | from_entries')
downloads=$(mktemp -d)
trap 'rm -rf "$downloads"' EXIT
# The service user reads the checked tarballs; it cannot replace them (the directory is root's).
chmod 0755 "$downloads"

for spec in "$@"; do
  id=${spec%%=*}
  rest=${spec#*=}
  integrity=${rest##*@}
  package_version=${rest%@*}
  version=${package_version##*@}
  package=${package_version%@*}
  [[ "$id" != "$spec" && -n "$package" && "$package" != "$package_version" ]] ||
    die "bad plugin spec '${spec}' (want <id>=<package>@<version>@<integrity>)"
  [[ "$integrity" == sha512-* || "$integrity" == UNPINNED ]] || die "bad integrity '${integrity}' for ${package}@${version}"
  have=$(jq -r --arg id "$id" '.[$id] // empty' <<<"$installed")
  if [[ "$have" == "$version" ]]; then
    log "plugin ${id} ${version} is installed"
    continue
  fi
  if [[ "$integrity" == UNPINNED ]]; then
    log "WARNING: plugin ${id}: ${package}@${version} has no pinned integrity (the registry the pins were taken from did not serve it): installing it by name from the registry npm is configured with; pin it with scripts/update-pins.mjs"
    retry 3 10 "$cli" plugins install "${package}@${version}" --force </dev/null
    continue
  fi
  tarball="${downloads}/${id}-${version}.tgz"
  retry 5 5 curl -fsSL --retry 3 -o "$tarball" "${OPENCLAW_AWS_NPM_REGISTRY}${package}/-/${package##*/}-${version}.tgz"
  verify_integrity "$tarball" "$integrity" || die "${package}@${version}'s tarball does not match its pinned integrity"
  chmod 0644 "$tarball"
  if [[ -n "$have" ]]; then
    log "plugin ${id}: replacing ${have} with ${version}"
  fi
  log "installing plugin ${id} from ${package}@${version} (checked tarball)"
  # --force: a local npm-pack file is an "arbitrary source" to OpenClaw (we checked it), and it replaces an older version.
  retry 3 10 "$cli" plugins install "npm-pack:${tarball}" --force --accept-capabilities </dev/null
done
