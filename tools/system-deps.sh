#!/usr/bin/env bash
# Make sure the Debian packages Qt needs (offscreen for tests, xcb for a real
# screen) and a CJK font are present. Installs them when run as root with
# apt-get available; otherwise prints the exact command and fails.
# For tests it also installs LibreOffice Calc, poppler-utils and PostgreSQL's
# server where it can; without them only their tests are skipped (with the
# reason printed), so their absence never fails.
# `make bench` installs PostgreSQL's server the same way (bench mode).
# Usage: tools/system-deps.sh [test|run|bench]
set -euo pipefail
mode="${1:-test}"

# library soname -> Debian package (Debian 12 names)
declare -A need=(
  [libEGL.so.1]=libegl1 [libGL.so.1]=libgl1 [libfontconfig.so.1]=libfontconfig1
  [libfreetype.so.6]=libfreetype6 [libxkbcommon.so.0]=libxkbcommon0
  [libglib-2.0.so.0]=libglib2.0-0 [libdbus-1.so.3]=libdbus-1-3
  [libX11-xcb.so.1]=libx11-xcb1
)
if [ "$mode" = run ]; then
  need+=(
    [libxcb-cursor.so.0]=libxcb-cursor0 [libxcb-icccm.so.4]=libxcb-icccm4
    [libxcb-image.so.0]=libxcb-image0 [libxcb-keysyms.so.1]=libxcb-keysyms1
    [libxcb-render-util.so.0]=libxcb-render-util0 [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
    [libxcb-shape.so.0]=libxcb-shape0 [libxcb-xkb.so.1]=libxcb-xkb1
  )
fi

missing=()
have_libs=$(ldconfig -p 2>/dev/null || true)
for lib in "${!need[@]}"; do
  grep -qF "$lib" <<<"$have_libs" || missing+=("${need[$lib]}")
done
# A CJK font, or Qt draws boxes instead of Chinese.
if ! { command -v fc-list >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q .; }; then
  missing+=(fonts-wqy-microhei fontconfig)
fi

# LibreOffice Calc: the test that the workbook opens without repair prompts
# converts it with `soffice --headless` (optional: skipped without it).
optional=()
if [ "$mode" = test ] && ! command -v soffice >/dev/null; then
  optional+=(libreoffice-calc-nogui)
fi
# Gnumeric: the test that its `ssconvert` opens the workbook without a
# warning (optional: skipped without it).
if [ "$mode" = test ] && ! command -v ssconvert >/dev/null; then
  optional+=(gnumeric)
fi
# poppler-utils: the pre-visit brief's tests read the PDF back (pdftotext,
# pdfinfo, pdffonts); skipped without it.
if [ "$mode" = test ] && ! command -v pdftotext >/dev/null; then
  optional+=(poppler-utils)
fi
# desktop-file-validate: the test that the application-menu and autostart
# entries are valid desktop entries (optional: skipped without it).
if [ "$mode" = test ] && ! command -v desktop-file-validate >/dev/null; then
  optional+=(desktop-file-utils)
fi
# khal: the care calendar's test imports the .ics into it and lists the
# events (a small Python program; optional: skipped without it).
if [ "$mode" = test ] && ! command -v khal >/dev/null; then
  optional+=(khal)
fi
# PostgreSQL's server: the storage, services and CLI tests run a second time
# on a throwaway cluster (tools/pg_cluster.py), and the benchmarks beside
# SQLite; without it they are skipped, with the reason printed.
if [ "$mode" != run ] && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null \
    && ! command -v initdb >/dev/null; then
  optional+=(postgresql)
fi

# Business cards: Tesseract is the baseline benchmarks/card_scan.py measures
# the app's engine (RapidOCR, a Python package) against, and the AR PL fonts
# give the rendered cards two more Chinese typefaces.
if [ "$mode" = bench ] && ! command -v tesseract >/dev/null; then
  optional+=(tesseract-ocr tesseract-ocr-chi-sim)
fi
if [ "$mode" != run ] && ! { command -v fc-list >/dev/null \
    && fc-list | grep -q "AR PL UMing"; }; then
  optional+=(fonts-arphic-uming fonts-arphic-ukai)
fi

if [ ${#missing[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ]; then
  exit 0
fi

can_install=no
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  can_install=yes
fi
export DEBIAN_FRONTEND=noninteractive
if [ ${#optional[@]} -gt 0 ]; then
  if [ $can_install = yes ]; then
    echo "Installing optional system packages: ${optional[*]}"
    for pkg in "${optional[@]}"; do  # one at a time: one failing leaves the others
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; } \
        || echo "Could not install $pkg; its tests will be skipped" >&2
    done
  else
    echo "Optional, for the LibreOffice and PostgreSQL tests and benchmarks (run as root):" \
      "apt-get install -y --no-install-recommends ${optional[*]}" >&2
  fi
fi

[ ${#missing[@]} -eq 0 ] && exit 0

pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
cmd="apt-get update && apt-get install -y --no-install-recommends $pkgs"
if [ $can_install = yes ]; then
  echo "Installing system packages: $pkgs"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
else
  echo "Missing system packages. Run as root:  $cmd" >&2
  exit 1
fi
