#!/bin/sh
# The layering check (cmake/check_layering.cmake) on a deliberately bad tree: util/ may
# use nothing, so its include of session/ must fail with file:line; given session/ as
# allowed, the same tree passes; session/ including util/ passes.
set -u
cmake=$1 checker=$2 tree=$3
out=$("$cmake" -DROOT="$tree" -DMODULE=util -DMAY_USE= -P "$checker" 2>&1) && {
  echo "FAIL: the check passed util/ including session/"; echo "$out"; exit 1; }
echo "$out" | tr '\n' ' ' | grep -q 'lib/util/clock.hpp:5: util/ may not use session/' || {
  echo "FAIL: no file:line and reason in:"; echo "$out"; exit 1; }
"$cmake" -DROOT="$tree" -DMODULE=util -DMAY_USE=session -P "$checker" || {
  echo "FAIL: the check refused an allowed include"; exit 1; }
"$cmake" -DROOT="$tree" -DMODULE=session -DMAY_USE=util -P "$checker" || {
  echo "FAIL: the check refused session/ including util/"; exit 1; }
echo "ok: $out" | head -3
