#!/usr/bin/env bash
# Make sure a Chromium-family browser exists for printing the PDF report.
# Order: $DTKS_BROWSER, chromium, chromium-browser, google-chrome, microsoft-edge.
set -euo pipefail
if [ -n "${DTKS_BROWSER:-}" ]; then
  if command -v "$DTKS_BROWSER" > /dev/null 2>&1 || [ -x "$DTKS_BROWSER" ]; then exit 0; fi
  echo "DTKS_BROWSER=$DTKS_BROWSER tidak ditemukan atau tidak dapat dijalankan." >&2
  exit 1
fi
for b in chromium chromium-browser google-chrome microsoft-edge; do
  if command -v "$b" > /dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get > /dev/null 2>&1; then
  echo "[setup] memasang Chromium (apt-get install chromium) untuk mencetak PDF ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-liberation > /dev/null
  command -v chromium > /dev/null && exit 0
fi
cat >&2 <<'MSG'
Tidak ada peramban keluarga Chromium untuk membuat PDF (no Chromium-family browser found).
Pasang salah satu, lalu ulangi:
  Debian/Ubuntu:  sudo apt-get install chromium      (atau chromium-browser)
  lainnya:        Google Chrome atau Microsoft Edge
atau tunjuk peramban yang ada:  export DTKS_BROWSER=/path/ke/chrome
MSG
exit 1
