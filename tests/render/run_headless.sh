#!/bin/sh
# Runs a GUI test under a virtual X server with the software Vulkan driver, so it needs no display
# and no GPU. Exits 77 (skipped) when Xvfb is not installed.
if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "xvfb-run not found (Debian: apt install xvfb xauth): skipping $1" >&2
  exit 77
fi
export QT_QPA_PLATFORM=xcb
export VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
exec xvfb-run -a -s "-screen 0 1280x800x24" "$@"
