#!/bin/sh
# Installs every Debian package mtm needs to build, test and benchmark.
# This is the one list: add a package here and nowhere else.
# Usage: scripts/deps.sh [build|check|bench]   (default: check)
set -e
what=${1:-check}
BUILD="build-essential pkg-config libsqlite3-dev libzip-dev libexpat1-dev
       libjansson-dev libutf8proc-dev libsodium-dev
       libxlsxwriter-dev"
CHECK="$BUILD libcmocka-dev sqlite3 zip unzip r-base-core r-cran-survey"
BENCH="$CHECK python3-pandas python3-openpyxl time"
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
