#!/bin/sh
# Try the README's first commands as a newcomer would, on a minimal Debian made from nothing:
# a debootstrap minbase root (no python3, make, gcc or sudo) with only this repository copied in.
#
#   sh scripts/fresh-root.sh trixie      Debian 13, Python 3.13
#   sh scripts/fresh-root.sh bookworm    Debian 12, Python 3.11
#
# Each run starts from a clean root (the debootstrap result is kept as a tarball and unpacked
# afresh), copies the repository as committed plus uncommitted changes to tracked files, runs each
# command of the README block marked `first-commands` in the root, times it, and checks that the
# demo left its MP3. Exit 0 when every command exited 0. Needs root (chroot, mount) and network
# access to the Debian and Python package registries. Set ROOTS to keep the roots elsewhere
# (default /var/tmp/coach-roots) and MIRROR to use another Debian mirror.
set -eu
cd "$(dirname "$0")/.."

dist=${1:-trixie}
case "$dist" in
  trixie | bookworm) ;;
  *) echo "fresh-root: unknown distribution '$dist' (use trixie or bookworm)" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "fresh-root: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
roots=${ROOTS:-/var/tmp/coach-roots}
mirror=${MIRROR:-http://deb.debian.org/debian}
root=$roots/$dist
pristine=$roots/$dist-minbase.tar
say() { printf 'fresh-root: %s\n' "$*" >&2; }

mkdir -p "$roots"
if [ ! -f "$pristine" ]; then
  command -v debootstrap >/dev/null 2>&1 ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap
  say "building a minbase $dist root from $mirror (a few minutes, once)"
  rm -rf "$root.new"
  debootstrap --variant=minbase "$dist" "$root.new" "$mirror"
  tar -C "$root.new" -cf "$pristine.tmp" .
  mv "$pristine.tmp" "$pristine"
  rm -rf "$root.new"
fi

unmount() {
  for point in sys dev/pts dev proc; do
    if mountpoint -q "$root/$point" 2>/dev/null; then umount "$root/$point"; fi
  done
}
trap unmount EXIT
trap 'exit 130' INT TERM
unmount
rm -rf "$root"
mkdir -p "$root"
tar -C "$root" -xf "$pristine"

# The repository: what is committed, plus changes to tracked files not yet committed.
mkdir -p "$root/root/coach"
snapshot=$(git stash create 2>/dev/null || true)
git archive "${snapshot:-HEAD}" | tar -x -C "$root/root/coach"

cp /etc/resolv.conf "$root/etc/resolv.conf"
# Every installed Debian has an /etc/hosts naming localhost (the installer writes it); a bookworm
# minbase root has none, and the browser test's driver is reached at "localhost".
[ -f "$root/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
  >"$root/etc/hosts"
# Trust what this machine trusts (a network that inspects TLS has its own certificate authority).
env_extra=""
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/host-ca-certificates.crt"
  env_extra="PIP_CERT=/etc/host-ca-certificates.crt"
fi
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount --bind /sys "$root/sys"

# The commands, exactly as the README prints them (comments after '#' are dropped).
commands=$(awk '/<!-- first-commands/ { armed = 1; next }
  armed && /^```/ { if (inside) exit; inside = 1; next }
  inside { sub(/[ \t]+#.*$/, ""); if (length($0)) print }' README.md)
[ -n "$commands" ] || { say "no block marked <!-- first-commands ... --> in README.md"; exit 2; }

status=0
report=""
echo "$commands" | {
  while IFS= read -r command; do
    say "running in the $dist root: $command"
    start=$(date +%s)
    code=0
    # shellcheck disable=SC2086
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb $env_extra \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      /bin/sh -c "cd /root/coach && $command" </dev/null || code=$?
    report="$report
  exit $code after $(($(date +%s) - start)) s: $command"
    [ "$code" -eq 0 ] || status=1
  done
  if ls "$root"/root/coach/*.mp3 >/dev/null 2>&1; then
    report="$report
  audio left by the demo: $(cd "$root/root/coach" && ls ./*.mp3 | tr '\n' ' ')"
  else
    report="$report
  no MP3 left by the demo"
    status=1
  fi
  python=$(chroot "$root" /usr/bin/python3 --version 2>&1 || echo "no python3")
  say "summary ($dist, $python):$report"
  exit $status
}
