#!/usr/bin/env bash
# Regenerates the committed protobuf-c code from Protos/ into OUT (default Sources/CEnvoyProto).
# With --check, generates into a temporary folder and fails when the committed code differs.
set -euo pipefail
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
out=${1:-Sources/CEnvoyProto}
cd "$(dirname "$0")/.."
protos=$(cd Protos && find . -name '*.proto' | sed 's|^\./||' | sort)
if [ -z "$protos" ]; then echo "no protos yet"; exit 0; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd Protos && protoc-c --c_out="$tmp" $protos)
# SwiftPM wants headers under include/ and sources beside them.
mkdir -p "$tmp/flat/include"
find "$tmp" -path "$tmp/flat" -prune -o -name '*.pb-c.h' -print | while read -r h; do
  rel=${h#$tmp/}; cp "$h" "$tmp/flat/include/$(echo "$rel" | tr / _)"; done
find "$tmp" -path "$tmp/flat" -prune -o -name '*.pb-c.c' -print | while read -r c; do
  rel=${c#$tmp/}; cp "$c" "$tmp/flat/$(echo "$rel" | tr / _)"; done
# Rewrite includes to the flattened names.
for f in "$tmp"/flat/*.c "$tmp"/flat/include/*.h; do
  sed -i -E 's|#include "([^"]+)\.pb-c\.h"|#include "\1.pb-c.h"|; :a; s|(#include "[^"/]*)/([^"]*\.pb-c\.h")|\1_\2|; ta' "$f"
done
if [ $check = 1 ]; then
  fail=0
  for f in $(cd "$tmp/flat" && find . -name '*.pb-c.[ch]' | sed 's|^\./||'); do
    cmp -s "$tmp/flat/$f" "$out/$f" || { echo "stale: $out/$f (run make protos)"; fail=1; }
  done
  for f in $(cd "$out" && find . -name '*.pb-c.[ch]' | sed 's|^\./||'); do
    [ -e "$tmp/flat/$f" ] || { echo "extra: $out/$f (run make protos)"; fail=1; }
  done
  [ $fail = 0 ] && echo "protobuf-c code is up to date"
  exit $fail
fi
find "$out" -name '*.pb-c.[ch]' -delete
mkdir -p "$out/include"
cp "$tmp"/flat/*.pb-c.c "$out/"
cp "$tmp"/flat/include/*.pb-c.h "$out/include/"
echo "generated $(ls "$tmp"/flat/*.pb-c.c | wc -l) files into $out"
