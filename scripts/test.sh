#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the whole test suite: unit and integration tests,
# fuzz replays, GUI tests under Xvfb with lavapipe, and DCC import checks in Blender.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${LIKENESS_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh" --build-dir "$build_dir" "$@"
printf '\033[1m==> Running the test suite\033[0m\n'
# Software Vulkan everywhere, so results do not depend on the machine's GPU.
export VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
cd "$build_dir"
ctest --output-on-failure --timeout 1500 -j "${LIKENESS_TEST_JOBS:-1}"
