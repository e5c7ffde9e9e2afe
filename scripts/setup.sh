#!/usr/bin/env bash
# Set up coach on a Debian or Ubuntu machine: the system packages it needs and the Python
# package in ./.venv. Safe to run again; quick when everything is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

# espeak-ng: the voice; ffmpeg: encoding and measuring; libasound2-dev: to build simpleaudio;
# alsa-utils: aplay, used by `coach doctor` and the ALSA capture test; chromium and
# chromium-driver: the headless browser that tests the `coach serve` page.
APT_PACKAGES=(espeak-ng ffmpeg libasound2-dev alsa-utils chromium chromium-driver)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=.venv/.coach-setup
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing coach and its Python dependencies into .venv" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
  echo "$want" >"$stamp"
fi
