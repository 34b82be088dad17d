#!/usr/bin/env bash
# Makes sure the assets Likeness needs are on its search path (LIKENESS_ASSETS, assets/ in the
# checkout, ../shared/assets beside it, the user data folder). When one is missing and the network
# allows, fetches it from upstream into the user data folder: ICT-FaceKit (packed with the
# project's own importer, `likeness assets import-ict`) and CLIP's BPE vocabulary.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$root/build"
[ "${1:-}" = "--build-dir" ] && build_dir="$2"
likeness="$build_dir/bin/likeness"
data="${XDG_DATA_HOME:-$HOME/.local/share}/likeness/assets"
ict_commit=da5f95a607f5e6b37755b38d3385d7f2853732e5
clip_commit=d05afc436d78f1c48dc0dbf8e5980a9d471f35f6

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

found() {  # is asset $1 on the search path?
  local rel="$1" dirs=()
  IFS=: read -r -a dirs <<< "${LIKENESS_ASSETS:-}"
  dirs+=("$root/assets" "$(dirname "$root")/shared/assets" "$data")
  for d in "${dirs[@]}"; do [ -n "$d" ] && [ -e "$d/$rel" ] && return 0; done
  return 1
}

if found ict-facekit/ict_facekit_shapes.safetensors; then
  say "Head model found"
else
  say "Head model not found: fetching ICT-FaceKit $ict_commit from GitHub"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  curl -fL --retry 3 -o "$tmp/ict.tar.gz" "https://codeload.github.com/ICT-VGL/ICT-FaceKit/tar.gz/$ict_commit" \
    || { echo "Could not download ICT-FaceKit (no network?). Put the packed model in $data/ict-facekit or set LIKENESS_ASSETS." >&2; exit 4; }
  tar -xzf "$tmp/ict.tar.gz" -C "$tmp" --wildcards '*/FaceXModel/*' '*/LICENSE'
  src=$(find "$tmp" -maxdepth 2 -type d -name FaceXModel | head -1)
  cp "$(dirname "$src")/LICENSE" "$src/LICENSE" 2>/dev/null || true
  "$likeness" assets import-ict "$src" --out "$data/ict-facekit"
fi

if found clip-bpe/bpe_simple_vocab_16e6.txt.gz; then
  say "CLIP vocabulary found"
else
  say "CLIP vocabulary not found: fetching it from openai/CLIP $clip_commit"
  mkdir -p "$data/clip-bpe"
  curl -fL --retry 3 -o "$data/clip-bpe/bpe_simple_vocab_16e6.txt.gz.part" \
    "https://raw.githubusercontent.com/openai/CLIP/$clip_commit/clip/bpe_simple_vocab_16e6.txt.gz" \
    && mv "$data/clip-bpe/bpe_simple_vocab_16e6.txt.gz.part" "$data/clip-bpe/bpe_simple_vocab_16e6.txt.gz" \
    || { echo "Could not download the CLIP vocabulary (no network?); neural guidance needs it." >&2; exit 4; }
fi
