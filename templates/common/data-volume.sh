#!/bin/bash
# /usr/local/lib/openclaw-aws/data-volume.sh — mount this host's data volume; bind its state folder at the state dir.
# The volume (Terraform: an EBS volume attached as OPENCLAW_AWS_DATA_DEVICE) outlives the
# instance: it holds the paired devices, sessions, workspace, the gateway's TLS key and applied config. So:
#   - wait (bounded) for the device: Terraform attaches it only once the instance runs;
#   - format it only when it is blank, judged by its filesystem signature (`blkid -p` finds none),
#     never by guess: a volume with any signature is kept as it is;
#   - mount it by UUID through /etc/fstab with `nofail` at OPENCLAW_AWS_VOLUME_DIR, and bind its state folder
#     at the state dir (systemd makes the .mount units; the services have RequiresMountsFor= on the state
#     dir, so they never start on the root volume instead).
# The service user (which OpenClaw's agent acts as: an attacker, for root) owns the state folder and nothing
# else of the volume: its root (0755) and what root keeps there (the gateway's TLS key, the applied config)
# are root's, so the service user can neither write nor replace them, and root never follows a path inside
# the state folder. The service user has a fixed uid: its files keep their owner on a new instance.
# A volume of the earlier layout (its root was the state dir, owned by the service user) is migrated once,
# before any service runs: its entries are renamed (rename(2) follows no link) into the state folder; what
# the old uid owned is given to the fixed one (chown -R follows no link and, with --from, changes nothing
# of root's, a planted hard link included; there is no other file system inside); on the gateway the TLS
# key and certificate and the applied config are read AS the service user, and adopted only as valid data
# (a key matching its certificate, a JSON object), never moved by path.
# Run by prepare-host.sh before anything is written to the state dir; safe to run again.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=data-volume
enable_error_trap
require_root

volume="$OPENCLAW_AWS_VOLUME_DIR"
state="$OPENCLAW_AWS_VOLUME_STATE_DIR"
owner="${OPENCLAW_AWS_UID}:${OPENCLAW_AWS_UID}"
timeout="${OPENCLAW_AWS_DATA_VOLUME_WAIT:-600}"
poll=2

# The attached device: the configured name (a udev link to the NVMe device on Nitro), or Xen's name.
find_device() {
  local candidate
  for candidate in "$OPENCLAW_AWS_DATA_DEVICE" "/dev/xvd${OPENCLAW_AWS_DATA_DEVICE#/dev/sd}"; do
    if [[ -b "$candidate" ]]; then
      readlink -f "$candidate"
      return 0
    fi
  done
  return 1
}

# fstab_entry <mount point> <line>: <line> becomes the one line of /etc/fstab for <mount point>.
fstab_entry() {
  { grep -v -E "^[^#[:space:]]+[[:space:]]+${1//./\\.}[[:space:]]" /etc/fstab || true; printf '%s\n' "$2"; } |
    write_file /etc/fstab 0644 ""
  log "fstab: $2"
  if [[ -d /run/systemd/system ]]; then systemctl daemon-reload; fi
}

# The gateway's TLS key and certificate and its applied config, from where the earlier layout kept them.
adopt_gateway_files() {
  local key cert applied
  if key=$(read_as_service_user "${state}/aws/tls/gateway.key" 16384) &&
    cert=$(read_as_service_user "${state}/aws/tls/gateway.crt" 16384) &&
    key=$(openssl pkey -passin pass: <<<"$key" 2>/dev/null) && cert=$(openssl x509 <<<"$cert" 2>/dev/null) &&
    [[ "$(openssl pkey -pubout <<<"$key")" == "$(openssl x509 -noout -pubkey <<<"$cert")" ]]; then
    install -d -m 0750 -g "$OPENCLAW_AWS_USER" "$OPENCLAW_AWS_TLS_DIR"
    printf '%s\n' "$cert" | write_file "$OPENCLAW_AWS_TLS_CERTIFICATE" 0644 ""
    printf '%s\n' "$key" | write_file "$OPENCLAW_AWS_TLS_KEY" 0640 "root:${OPENCLAW_AWS_USER}"
    log "kept the gateway's TLS key and certificate"
  else
    log "no TLS key matching its certificate to keep: the gateway makes a new one"
  fi
  if applied=$(read_as_service_user "${state}/aws/openclaw.applied.json" 65536) &&
    applied=$(jq -c 'select(type == "object")' <<<"$applied" 2>/dev/null) && [[ -n "$applied" ]]; then
    printf '%s\n' "$applied" | write_file "$OPENCLAW_AWS_APPLIED_CONFIG" 0644 ""
    log "kept the applied config"
  fi
}

migrate() {
  local staging keep=()
  log "migrating the data volume from the earlier layout (its root was the state dir, of uid $1)"
  chown root:root "$volume"
  chmod 0755 "$volume"
  # lost+found stays at the root for e2fsck, root's again (the earlier layout gave it to the service user);
  # anything else of that name is the old user's and moves with the rest (e2fsck makes a new one).
  if [[ -d "${volume}/lost+found" && ! -L "${volume}/lost+found" ]]; then keep=(! -name lost+found); fi
  staging=$(mktemp -d "${volume}/.migrating.XXXXXX")
  find "$volume" -mindepth 1 -maxdepth 1 "${keep[@]}" ! -path "$staging" -exec mv -t "$staging" -- {} +
  if ((${#keep[@]} > 0)); then
    chown -h root:root "${volume}/lost+found"
    chmod 0700 "${volume}/lost+found"
  fi
  chown "$owner" "$staging"
  chmod 0750 "$staging"
  mv -T "$staging" "$state"
  if [[ "$1" != "$OPENCLAW_AWS_UID" ]]; then chown -R --from="$1" "$owner" "$state"; fi
  if [[ -n "${OPENCLAW_AWS_TLS_DIR:-}" ]]; then adopt_gateway_files; fi
}

if mountpoint -q "$volume"; then
  log "the data volume is mounted at ${volume}"
else
  deadline=$((SECONDS + timeout))
  until device=$(find_device); do
    waiting "the data volume at ${OPENCLAW_AWS_DATA_DEVICE} (is it attached? see the instance's volume attachment in Terraform)"
  done
  # blkid -p (low-level probe, no cache): 0 = a signature found, 2 = none found, anything else = error.
  probe=0
  blkid -p "$device" >/dev/null 2>&1 || probe=$?
  case "$probe" in
    0) log "data volume ${device} has a filesystem: keeping it" ;;
    2)
      log "data volume ${device} is blank: formatting it (ext4)"
      mkfs.ext4 -q -L openclaw-data "$device"
      ;;
    *) die "cannot probe ${device} for a filesystem (blkid exit ${probe})" ;;
  esac
  uuid=$(blkid -p -s UUID -o value "$device")
  type=$(blkid -p -s TYPE -o value "$device")
  [[ -n "$uuid" && -n "$type" ]] || die "no UUID or filesystem type on ${device}"
  # By UUID: the device name may differ on the next instance.
  fstab_entry "$volume" "UUID=${uuid} ${volume} ${type} defaults,noatime,nofail 0 2"
  install -d -m 0755 "$volume"
  # The device found above, not the fstab line: right after mkfs its UUID link may not exist yet (udev),
  # and with nofail a mount of a missing device exits 0 without mounting anything.
  mount -t "$type" -o defaults,noatime "$device" "$volume"
  mountpoint -q "$volume" || die "the data volume ${device} is not mounted at ${volume}"
  log "mounted the data volume ${uuid} at ${volume}"
fi

old_owner=$(stat -c %u "$volume")
if ((old_owner != 0)); then migrate "$old_owner"; fi
if [[ ! -d "$state" ]]; then install -d -m 0750 -o "$OPENCLAW_AWS_UID" -g "$OPENCLAW_AWS_UID" "$state"; fi

if mountpoint -q "$OPENCLAW_AWS_STATE_DIR"; then
  log "the state folder is bound at ${OPENCLAW_AWS_STATE_DIR}"
else
  fstab_entry "$OPENCLAW_AWS_STATE_DIR" "${state} ${OPENCLAW_AWS_STATE_DIR} none bind,nofail,x-systemd.requires-mounts-for=${volume} 0 0"
  install -d -m 0755 "$OPENCLAW_AWS_STATE_DIR"
  mount --bind "$state" "$OPENCLAW_AWS_STATE_DIR"
  mountpoint -q "$OPENCLAW_AWS_STATE_DIR" || die "${state} is not bound at ${OPENCLAW_AWS_STATE_DIR}"
  log "bound ${state} at ${OPENCLAW_AWS_STATE_DIR}"
fi
