#!/bin/bash
# /usr/local/lib/openclaw-aws/install-runtime.sh — install the pinned Node.js runtime and npm
# system-wide (no version manager), each download checked against its pinned integrity.
#
#   <prefix>/node/<version>/bin/node                 from node-linux-<arch> (npm registry tarball)
#   <prefix>/node/<version>/lib/node_modules/npm     from npm's own registry tarball
#   <prefix>/node/current -> <version>;  <bin dir>/{node,npm,npx} -> <prefix>/node/current/bin/...
#
# Idempotent: an installed, complete version is kept; a second run only re-points the links.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=install-runtime
enable_error_trap

case "$(uname -m)" in
  x86_64) machine=x86_64 ;;
  aarch64 | arm64) machine=arm64 ;;
  *) die "unsupported machine $(uname -m)" ;;
esac
[[ "$machine" == "$OPENCLAW_AWS_ARCH" ]] ||
  die "this runtime is for ${OPENCLAW_AWS_ARCH} but the machine is ${machine}"

root="${OPENCLAW_AWS_PREFIX}/node"
dest="${root}/${OPENCLAW_AWS_NODEJS_VERSION}"
install -d -m 0755 "$root"

if [[ -f "${dest}/.complete" && -x "${dest}/bin/node" ]] &&
  [[ "$("${dest}/bin/node" --version)" == "v${OPENCLAW_AWS_NODEJS_VERSION}" ]]; then
  log "Node.js ${OPENCLAW_AWS_NODEJS_VERSION} already installed in ${dest}"
else
  log "installing Node.js ${OPENCLAW_AWS_NODEJS_VERSION} (${OPENCLAW_AWS_ARCH}) and npm ${OPENCLAW_AWS_NPM_VERSION}"
  work=$(mktemp -d "${root}/.install.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  retry 5 5 curl -fsSL --retry 3 -o "${work}/node.tgz" "$OPENCLAW_AWS_NODEJS_URL"
  verify_integrity "${work}/node.tgz" "$OPENCLAW_AWS_NODEJS_INTEGRITY"
  retry 5 5 curl -fsSL --retry 3 -o "${work}/npm.tgz" "$OPENCLAW_AWS_NPM_URL"
  verify_integrity "${work}/npm.tgz" "$OPENCLAW_AWS_NPM_INTEGRITY"

  stage="${work}/stage"
  install -d -m 0755 "$stage" "${stage}/lib/node_modules/npm"
  # Both tarballs are npm packages: everything sits under package/.
  tar -xzf "${work}/node.tgz" -C "$stage" --strip-components=1 --no-same-owner
  tar -xzf "${work}/npm.tgz" -C "${stage}/lib/node_modules/npm" --strip-components=1 --no-same-owner
  [[ -x "${stage}/bin/node" ]] || die "node tarball has no bin/node"
  [[ -f "${stage}/lib/node_modules/npm/bin/npm-cli.js" ]] || die "npm tarball has no bin/npm-cli.js"
  ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "${stage}/bin/npm"
  ln -sfn ../lib/node_modules/npm/bin/npx-cli.js "${stage}/bin/npx"
  chmod -R u=rwX,go=rX "$stage"
  reported=$("${stage}/bin/node" --version)
  [[ "$reported" == "v${OPENCLAW_AWS_NODEJS_VERSION}" ]] || die "node reports ${reported}, expected v${OPENCLAW_AWS_NODEJS_VERSION}"
  touch "${stage}/.complete"
  rm -rf "$dest"
  mv "$stage" "$dest"
  log "installed Node.js ${reported} in ${dest}"
fi

# Point the stable links at this version (atomic rename of a fresh symlink).
ln -sfn "$OPENCLAW_AWS_NODEJS_VERSION" "${root}/.current.tmp"
mv -Tf "${root}/.current.tmp" "${root}/current"
install -d -m 0755 "$OPENCLAW_AWS_BIN_DIR"
for tool in node npm npx; do
  ln -sfn "${root}/current/bin/${tool}" "${OPENCLAW_AWS_BIN_DIR}/${tool}"
done
log "node $("${root}/current/bin/node" --version), npm $(PATH="${root}/current/bin:${PATH}" "${root}/current/bin/npm" --version)"
