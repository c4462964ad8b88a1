#!/bin/sh
# Installs every Debian package mtm needs to build, test and benchmark.
# This is the one list: add a package here and nowhere else.
# Usage: scripts/deps.sh [build|check|bench]   (default: check)
# (check: the tests also run Debian's /usr/bin/python3 as an independent reader of
#  exports and of cleaned data, and R's survey package as the reference for the
#  estimators, poppler's pdftotext/pdffonts/pdfinfo read the reports' PDFs and
#  Debian's Chromium loads the reports' HTML as a real browser;
#  none of them is ever part of the product)
set -e
what=${1:-check}
BUILD="build-essential pkg-config libsqlite3-dev libzip-dev libexpat1-dev
       libjansson-dev libutf8proc-dev libsodium-dev
       libxlsxwriter-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
       libcairo2-dev libpango1.0-dev librsvg2-dev
       fonts-dejavu-core"
CHECK="$BUILD libcmocka-dev sqlite3 zip unzip python3 python3-openpyxl
       r-base-core r-cran-survey poppler-utils chromium"
BENCH="$CHECK python3-pandas time"
case "$what" in
  build) want=$BUILD ;;
  check) want=$CHECK ;;
  bench) want=$BENCH ;;
  *) echo "deps.sh: unknown set '$what' (build, check or bench)" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps.sh: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
