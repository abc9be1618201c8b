#!/usr/bin/env bash
# System packages the app, the PDF report and the browser tests need (Debian/Ubuntu).
# Idempotent and quick when everything is present: it only calls apt-get for what is missing.
#   chromium         headless browser: kaleido chart export, Playwright browser tests
#   fonts-nanum      a Korean font (Hangul renders as empty boxes without one)
#   poppler-utils    pdftoppm / pdftotext, to check rendered PDFs
#   libpango*, libharfbuzz*, libfontconfig1   WeasyPrint's text layout
set -euo pipefail

PACKAGES=(chromium fonts-nanum poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
          libharfbuzz-subset0 libfontconfig1)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "Installing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "Error: these packages are missing and this user cannot install them: ${missing[*]}" >&2
        echo "Install them as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fc-cache -f >/dev/null 2>&1 || true
