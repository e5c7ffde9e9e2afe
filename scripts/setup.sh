#!/bin/sh
# Set up coach on Debian 12/13 or Ubuntu 24.04: the system packages it needs, then the Python
# package in ./.venv. Needs only a POSIX shell and apt (as root, or a user with sudo).
#
#   sh scripts/setup.sh          what coach itself needs (the demo, play, export, every engine)
#   sh scripts/setup.sh --dev    that, plus what the tests and linters need (make test uses it)
#
# Safe to run again: it picks up where a stopped run left off, and takes a fraction of a second
# when everything is in place.
set -eu
cd "$(dirname "$0")/.."

# -- The one list of what coach needs; edit here. ---------------------------------------------
# To build the Python package: an interpreter with venv, and a C compiler with the Python and
# ALSA headers for simpleaudio (it ships no Linux wheels). make runs the README's test command.
APT_BUILD="python3 python3-venv python3-dev gcc libc6-dev libasound2-dev make"
# To run: espeak-ng (the pyttsx3 voice), festival with a US voice (the festival engine), ffmpeg
# (encoding and measuring), alsa-utils (aplay, for `coach doctor`).
APT_RUN="espeak-ng festival festvox-us-slt-hts ffmpeg alsa-utils"
# For the tests only: a headless browser and its driver for the web page's tests.
APT_DEV="chromium chromium-driver"
# Python extras: piper is the natural voice; dev is pytest, ruff and mypy.
EXTRAS_RUN="piper"
EXTRAS_DEV="piper,dev"
# ------------------------------------------------------------------------------------------------

mode=run
case "${1:-}" in
  "") ;;
  --dev) mode=dev ;;
  -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "setup: unknown option '$1' (use --dev, or nothing)" >&2; exit 2 ;;
esac
packages=$APT_BUILD\ $APT_RUN
extras=$EXTRAS_RUN
if [ "$mode" = dev ]; then
  packages="$packages $APT_DEV"
  extras=$EXTRAS_DEV
fi

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "installing system packages needs root: run this again as root, or install sudo"
  fi
}

# -- 1. system packages -------------------------------------------------------------------------
command -v apt-get >/dev/null 2>&1 ||
  die "no apt-get here: install by hand the equivalents of: $packages (see the README)"
# One dpkg-query for all of them: an unknown package name prints nothing, so it counts as missing.
installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $packages 2>/dev/null |
  awk '$1 == "ii" { print $2 }') || true
missing=""
for package in $packages; do
  case " $(echo $installed) " in
    *" $package "*) ;;
    *) missing="$missing $package" ;;
  esac
done
if [ -n "$missing" ]; then
  say "[1/3] installing system packages:$missing"
  # A package manager run that was cut off leaves dpkg half-done; finish it before going on.
  if [ -n "$(as_root dpkg --audit 2>/dev/null)" ]; then
    say "finishing an interrupted package installation first (dpkg --configure -a)"
    as_root env DEBIAN_FRONTEND=noninteractive dpkg --configure -a
  fi
  as_root apt-get -o DPkg::Lock::Timeout=600 update
  # An optional package this distribution does not carry (Ubuntu has no plain chromium) is left
  # out with a word; a required one is kept, so that apt says clearly what is wrong.
  wanted=""
  for package in $missing; do
    case " $APT_DEV " in
      *" $package "*)
        if ! apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [^(]'; then
          say "$package is not packaged here: skipping it (the tests that need it will be skipped)"
          continue
        fi
        ;;
    esac
    wanted="$wanted $package"
  done
  # shellcheck disable=SC2086  # the list is meant to split into words
  [ -z "$wanted" ] || as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $wanted
else
  say "[1/3] system packages: all in place"
fi

# -- 2. the virtual environment -------------------------------------------------------------------
python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || die "$python not found even after installing python3"
base_version=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
case "$base_version" in
  3.1[1-9].* | 3.[2-9][0-9].*) ;;
  *) die "coach needs Python 3.11 or newer; $python is $base_version" ;;
esac

# A stamp records what was installed, from which pyproject.toml and setup.sh, for which Python.
# It is written only after a successful install, so a stopped run is simply done again.
fingerprint() { (cat pyproject.toml scripts/setup.sh; echo "$base_version $1") | cksum; }
stamped() { [ -f ".venv/.coach-setup-$1" ] && [ "$(cat ".venv/.coach-setup-$1")" = "$2" ]; }
want=$(fingerprint "$extras")
if stamped "$mode" "$want" || { [ "$mode" = run ] && stamped dev "$(fingerprint "$EXTRAS_DEV")"; }
then
  say "[2/3] .venv: Python $base_version, in place"
  say "[3/3] Python packages ($extras): all in place"
  exit 0
fi

# A .venv that a stopped run left without pip, or one made by another Python (the system was
# upgraded), cannot be repaired in place: make it again.
if [ -e .venv ]; then
  venv_version=$(.venv/bin/python -c 'import sys, pip; print("%d.%d.%d" % sys.version_info[:3])' \
    2>/dev/null) || venv_version="no working pip"
  if [ "$venv_version" != "$base_version" ]; then
    say "[2/3] .venv is unusable ($venv_version; want Python $base_version with pip): making it again"
    rm -rf .venv
  fi
fi
if [ -e .venv ]; then
  say "[2/3] .venv: Python $base_version, in place"
else
  say "[2/3] creating .venv with Python $base_version"
  "$python" -m venv .venv || { rm -rf .venv; die "could not create .venv (see above)"; }
fi

# -- 3. coach and its Python packages -----------------------------------------------------------
say "[3/3] installing coach[$extras] and its Python packages into .venv"
.venv/bin/python -m pip install --disable-pip-version-check -e ".[$extras]"
echo "$want" >".venv/.coach-setup-$mode"
