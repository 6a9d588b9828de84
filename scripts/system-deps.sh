#!/usr/bin/env bash
# Debian packages the tests use: Chromium for the browser tests (driven by Playwright with
# its own Chromium download disabled) and poppler-utils for pdftotext. Installed only when
# missing, and only where apt-get can run; otherwise the reason is printed.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "wqy\|noto.*cjk" || need+=(fonts-wqy-microhei)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${need[*]} from Debian"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || echo "could not install ${need[*]}; browser and PDF text tests will fail"
else
  echo "missing ${need[*]}: install them with your package manager (needs root)" >&2
fi
