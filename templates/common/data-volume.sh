#!/bin/bash
# /usr/local/lib/openclaw-aws/data-volume.sh — mount this host's data volume at the OpenClaw state dir.
# The volume (Terraform: an EBS volume attached as OPENCLAW_AWS_DATA_DEVICE) outlives the instance: it
# holds the paired devices, sessions, workspace, the gateway's TLS key and live config. So:
#   - wait (bounded) for the device: Terraform attaches it only once the instance runs;
#   - format it only when it is blank, judged by its filesystem signature (`blkid -p` finds none),
#     never by guess: a volume with any signature is kept as it is;
#   - mount it by UUID through /etc/fstab with `nofail` (systemd makes the .mount unit; the services
#     have RequiresMountsFor= on the state dir, so they never start on the root volume instead);
#   - give its files to the service user (a new instance may have given that user another uid).
# Run by prepare-host.sh before anything is written to the state dir; safe to run again.
# shellcheck source=/dev/null
source "${OPENCLAW_AWS_ENV_FILE:-"{{layout.hostEnv}}"}"
# shellcheck source=lib.sh
source "${OPENCLAW_AWS_LIB_DIR}/lib.sh"
OPENCLAW_AWS_TAG=data-volume
enable_error_trap
require_root

mount_point="$OPENCLAW_AWS_STATE_DIR"
wait_seconds="${OPENCLAW_AWS_DATA_VOLUME_WAIT:-600}"

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

if mountpoint -q "$mount_point"; then
  log "the data volume is mounted at ${mount_point}"
else
  deadline=$((SECONDS + wait_seconds))
  next_note=0
  until device=$(find_device); do
    ((SECONDS < deadline)) || die "no data volume at ${OPENCLAW_AWS_DATA_DEVICE} after ${wait_seconds} s (is it attached? see the instance's volume attachment in Terraform)"
    if ((SECONDS >= next_note)); then
      log "waiting for the data volume at ${OPENCLAW_AWS_DATA_DEVICE} ($((deadline - SECONDS)) s left)"
      next_note=$((SECONDS + 30))
    fi
    sleep 2
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
  # One line for the mount point, by UUID: the device name may differ on the next instance.
  entry="UUID=${uuid} ${mount_point} ${type} defaults,noatime,nofail 0 2"
  { grep -v -E "^[^#[:space:]]+[[:space:]]+${mount_point//./\\.}[[:space:]]" /etc/fstab || true; printf '%s\n' "$entry"; } |
    write_file /etc/fstab 0644 ""
  log "fstab: ${entry}"
  install -d -m 0750 "$mount_point"
  if [[ -d /run/systemd/system ]]; then systemctl daemon-reload; fi
  # The device found above, not the fstab line: right after mkfs its UUID link may not exist yet (udev),
  # and with nofail a mount of a missing device exits 0 without mounting anything.
  mount -t "$type" -o defaults,noatime "$device" "$mount_point"
  mountpoint -q "$mount_point" || die "the data volume ${device} is not mounted at ${mount_point}"
  log "mounted the data volume ${uuid} at ${mount_point}"
fi

if [[ "$(stat -c %U:%G "$mount_point")" != "${OPENCLAW_AWS_USER}:${OPENCLAW_AWS_USER}" ]]; then
  log "giving ${mount_point} to ${OPENCLAW_AWS_USER}"
  chown -R "${OPENCLAW_AWS_USER}:${OPENCLAW_AWS_USER}" "$mount_point"
fi
chmod 0750 "$mount_point"
