#!/usr/bin/env bash
# Builds the gangway Debian package from a CMake build's binary:
#   deploy/debian/build-deb.sh [BUILD_DIR [OUT_DIR]]     (default: build, BUILD_DIR/deb)
# and prints the .deb's path. Needs dpkg-dev (dpkg-shlibdeps computes Depends from
# the libraries the binary loads). No root needed: dpkg-deb --root-owner-group.
#
# Contents: /usr/bin/gangway (stripped), /lib/systemd/system/gangway.service
# (hardened; not enabled or started on install: the config and its secret come
# first), /etc/gangway/gangway.json and gangway.env (conffiles), the docs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
out=${2:-$build/deb}

binary=$build/gangway
[ -x "$binary" ] || { echo "build-deb: no $binary (cmake --build $build --target gangway)" >&2; exit 1; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ -n "$version" ] || { echo "build-deb: no project version in $build/CMakeCache.txt" >&2; exit 1; }
arch=$(dpkg --print-architecture)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/gangway_${version}_$arch
install -d "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/gangway" \
  "$root/usr/share/doc/gangway"
strip --strip-unneeded -o "$root/usr/bin/gangway" "$binary"
chmod 0755 "$root/usr/bin/gangway"
install -m 0644 "$here/gangway.service" "$root/lib/systemd/system/gangway.service"
install -m 0644 "$here/gangway.json" "$root/etc/gangway/gangway.json"
install -m 0600 "$here/gangway.env" "$root/etc/gangway/gangway.env"
install -m 0644 "$repo/README.md" "$repo/docs/configuration.md" "$repo/docs/deployment.md" "$root/usr/share/doc/gangway/"
install -m 0644 "$here/copyright" "$root/usr/share/doc/gangway/copyright"

# dpkg-shlibdeps wants a debian/control to stand in; the Depends it finds are the
# package's (libc6, libstdc++6, libssl3, libnats3.4, …, with minimum versions).
mkdir -p "$stage/src/debian"
printf 'Source: gangway\n\nPackage: gangway\nArchitecture: any\n' >"$stage/src/debian/control"
depends=$(cd "$stage/src" && dpkg-shlibdeps -O -e "$root/usr/bin/gangway" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$depends/" -e "s/@SIZE@/$size/" \
  "$here/control.in" >"$root/DEBIAN/control"
printf '/etc/gangway/gangway.json\n/etc/gangway/gangway.env\n' >"$root/DEBIAN/conffiles"
install -m 0755 "$here/postinst" "$here/postrm" "$root/DEBIAN/"

mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/gangway_${version}_$arch.deb" >/dev/null
echo "$out/gangway_${version}_$arch.deb"
