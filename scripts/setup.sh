#!/usr/bin/env bash
# Set up coach on a Debian or Ubuntu machine: the system packages it needs and the Python
# package in ./.venv. Safe to run again; quick when everything is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

# espeak-ng: the default voice; festival + festvox-us-slt-hts: the festival engine; ffmpeg:
# encoding and measuring; libasound2-dev: to build simpleaudio; alsa-utils: aplay, used by
# `coach doctor` and the ALSA capture test.
APT_PACKAGES=(espeak-ng ffmpeg libasound2-dev alsa-utils festival festvox-us-slt-hts)

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
  # The piper extra is the natural voice (piper-tts, GPL-3.0-or-later; see README, Engines).
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev,piper]'
  echo "$want" >"$stamp"
fi
