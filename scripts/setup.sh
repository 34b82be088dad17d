#!/usr/bin/env bash
# Sets up Likeness on Debian 12: installs every system package (scripts/deps.txt) with apt, builds
# the project with CMake + Ninja, and makes sure the assets are found (fetching and packing them
# from upstream when none is on the search path and the network allows). Safe to run repeatedly.
#
#   scripts/setup.sh [--build-dir DIR] [--build-type TYPE] [--no-build] [--no-assets]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${LIKENESS_BUILD_DIR:-$root/build}"
build_type="${LIKENESS_BUILD_TYPE:-Release}"
do_build=1
do_assets=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --build-type) build_type="$2"; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --no-assets) do_assets=0; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# 1. System packages.
packages=$(grep -v '^\s*#' "$root/scripts/deps.txt" | tr -s ' \n' ' ')
missing=()
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "All Debian packages present"
fi

# 2. Build.
if [ "$do_build" = 1 ]; then
  say "Configuring ($build_type) in $build_dir"
  mkdir -p "$build_dir"
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" > "$build_dir/configure.log" 2>&1 \
    || { cat "$build_dir/configure.log"; exit 1; }
  say "Building (this takes a while on 2 cores the first time)"
  cmake --build "$build_dir" --parallel "$(nproc)"
fi

# 3. Assets: ICT-FaceKit head model and CLIP's BPE vocabulary.
if [ "$do_assets" = 1 ]; then
  "$root/scripts/fetch-assets.sh" --build-dir "$build_dir"
fi
say "Setup done"
