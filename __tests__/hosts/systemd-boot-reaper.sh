#!/bin/bash
# systemd-boot-reaper.sh <pid> <undo file> — started detached by systemd-boot-harness.ts: once <pid>
# (the jest process) is gone, however it ended, runs the undo commands left in <undo file> (newest
# first: containers, services, network namespaces, loop devices) and removes the file.
pid=$1 file=$2
while kill -0 "$pid" 2>/dev/null; do sleep 2; done
if [[ -s "$file" ]]; then
  while IFS= read -r command; do
    bash -c "$command" || true
  done <"$file"
fi
rm -f "$file"
