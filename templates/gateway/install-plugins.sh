#!/bin/bash
# /usr/local/lib/openclaw-aws/install-plugins.sh <plugin id>=<npm package>@<version>... — installs the
# pinned OpenClaw plugins the deployment needs (the Amazon Bedrock provider, the external channel
# plugins) with OpenClaw's own `openclaw plugins install`, through the host's `openclaw` CLI (as the
# service user, into the state dir: <state>/npm/projects/<package>-<hash>/, recorded in
# <state>/state/openclaw.sqlite and as plugins.entries.<id>.enabled in the live config).
# `plugins install` fails when the plugin is already there, so this asks `plugins list` first:
# the pinned version installed -> nothing to do; another version -> replaced (--force); none -> installed.
# The npm registry is the one npm is configured with (npm_config_registry).
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG="install-plugins"
enable_error_trap

cli="${OPENCLAW_AWS_BIN_DIR}/openclaw"
installed=$("$cli" plugins list --json </dev/null | jq -c '[.plugins[] | select(.origin == "global") | {key: .id, value: .version}] | from_entries')

for spec in "$@"; do
  id=${spec%%=*}
  package=${spec#*=}
  version=${package##*@}
  [[ "$id" != "$spec" && "$package" == *@* ]] || die "bad plugin spec '${spec}' (want <id>=<package>@<version>)"
  have=$(jq -r --arg id "$id" '.[$id] // empty' <<<"$installed")
  if [[ "$have" == "$version" ]]; then
    log "plugin ${id} ${version} is installed"
    continue
  fi
  force=()
  if [[ -n "$have" ]]; then
    log "plugin ${id}: replacing ${have} with ${version}"
    force=(--force)
  fi
  log "installing plugin ${id} from ${package}"
  retry 3 10 "$cli" plugins install "$package" "${force[@]}" </dev/null
done
