#!/usr/bin/env bash
# Installs whatever of scripts/packages.txt is missing (Debian 12, as root or
# with sudo), fetches its data packages (the npm: lines) into KS_DEPS_DIR,
# then configures and builds the project into build/ (and, with --asan,
# build-asan/). Safe to run again: it only does what is missing, and says
# nothing about what is already there.
#   --asan       also build build-asan/ (AddressSanitizer + UBSan)
#   --deps-only  install and fetch what is missing, build nothing
# Environment: KS_DEPS_DIR (default ~/.cache/kiosk-deps), KS_NPM_REGISTRY
# (default https://registry.npmjs.org; a file:// URL works for offline use).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

asan=0 deps_only=0
for arg in "$@"; do
  case $arg in
    --asan) asan=1 ;;
    --deps-only) deps_only=1 ;;
    *) echo "usage: scripts/setup.sh [--asan] [--deps-only]" >&2; exit 2 ;;
  esac
done

want=$(grep -v -e '^#' -e '^$' -e '^npm:' scripts/packages.txt)
missing=()
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} missing packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Data packages from the npm registry (no npm needed): each line is
# "npm:NAME@VERSION sha512-<base64>", the integrity npm itself records.
# The tarball is checked before anything is unpacked, and unpacked beside
# its destination then renamed into place, so NAME-VERSION/package/ is
# either complete or absent.
deps=${KS_DEPS_DIR:-$HOME/.cache/kiosk-deps}
registry=${KS_NPM_REGISTRY:-https://registry.npmjs.org}
fetch_npm() (
  spec=$1 integrity=$2
  name=${spec%@*} ver=${spec##*@}
  dest="$deps/$name-$ver"
  [ -d "$dest/package" ] && exit 0
  case $integrity in
    sha512-?*) ;;
    *) echo "setup: packages.txt: npm:$spec needs a sha512- integrity, got '$integrity'" >&2; exit 1 ;;
  esac
  mkdir -p "$deps"
  tmp=$(mktemp -d "$deps/.fetch-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  url="$registry/$name/-/${name##*/}-$ver.tgz"
  echo "setup: fetching $name $ver from $url"
  if ! curl -fsSL --retry 3 --retry-delay 2 -o "$tmp/package.tgz" "$url"; then
    echo "setup: cannot download $url (check the network, or set KS_NPM_REGISTRY)" >&2
    exit 1
  fi
  got="sha512-$(openssl dgst -sha512 -binary "$tmp/package.tgz" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    {
      echo "setup: CHECKSUM MISMATCH for $name $ver from $url"
      echo "setup:   expected $integrity (scripts/packages.txt)"
      echo "setup:   got      $got"
      echo "setup: nothing was installed; the download is damaged or not the published package"
    } >&2
    exit 1
  fi
  mkdir "$tmp/unpacked"
  tar -xzf "$tmp/package.tgz" -C "$tmp/unpacked" --no-same-owner --no-same-permissions
  if [ ! -d "$tmp/unpacked/package" ]; then
    echo "setup: $url has no package/ folder: not an npm tarball" >&2
    exit 1
  fi
  rm -rf "$dest" # a leftover without package/ (never a complete one: checked above)
  mkdir -p "$(dirname "$dest")"
  mv "$tmp/unpacked" "$dest"
  echo "setup: $name $ver is in $dest"
)
while read -r spec integrity _; do
  fetch_npm "${spec#npm:}" "${integrity:-}" </dev/null
done < <(grep '^npm:' scripts/packages.txt)

((deps_only)) && exit 0
jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKS_DEPS_DIR="$deps" >/dev/null
cmake --build build -j"$jobs"
if ((asan)); then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKS_SANITIZE=ON -DKS_DEPS_DIR="$deps" >/dev/null
  cmake --build build-asan -j"$jobs"
fi
