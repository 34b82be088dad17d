#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the main job: opens Likeness Studio where a display
# exists; otherwise generates a face from an example prompt with the CLI and says where it went.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${LIKENESS_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh" --build-dir "$build_dir"
bin="$build_dir/bin"
if { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; } && [ -x "$bin/likeness-studio" ]; then
  exec "$bin/likeness-studio"
fi
out="${LIKENESS_OUT:-$root/out/example}"
prompt="This middle-aged man is a westerner. He has big and black eyes with the double eyelid. He has a medium-sized nose with a high nose bridge. His face is square and medium. He has a dense and black beard."
if "$bin/likeness" --help | grep -q '^  generate'; then
  "$bin/likeness" generate "$prompt" --out "$out"
else
  "$bin/likeness" sample --seed 1 --out "$out"
fi
printf '\nThe face is in %s\n' "$out"
