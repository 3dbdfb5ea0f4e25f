#!/usr/bin/env bash
# Builds the Debian package dist/prenum_<version>_<arch>.deb (or into $OUT): the release binary
# with the Swift standard library and Foundation linked statically (it runs where no toolchain
# is), the XSDs, /etc/prenum as conffiles, the prenum user and folders (sysusers.d, tmpfiles.d),
# the systemd units, the cron example, logrotate, the Prometheus alert rules and a man page
# made by `prenum --man` from the commands' own declarations.
#
#   scripts/package-deb.sh            build the package
#   scripts/package-deb.sh --check    build it, then: lintian (no errors), unpack with dpkg -x into
#                                     a scratch root, ldd shows no toolchain library, and the
#                                     unpacked binary runs under `env -i` on the sample data
#
# The version is BuildInfo.version (Sources/PrenumCore/Support/BuildInfo.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
check=no
[ "${1:-}" = "--check" ] && check=yes

out="${OUT:-dist}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(sed -n 's/^ *public static let version = "\(.*\)"$/\1/p' Sources/PrenumCore/Support/BuildInfo.swift)
arch=$(dpkg --print-architecture)
[ -n "$version" ] || { echo "package-deb: no version in BuildInfo.swift" >&2; exit 1; }

started=$(date +%s)
swift build -c release --static-swift-stdlib --product prenum >&2
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)/prenum"
echo "package-deb: release build took $(( $(date +%s) - started )) s" >&2

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -D -m 0755 "$bin" "$root/usr/bin/prenum"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/prenum"
for xsd in Sources/PrenumCore/Delivery/Schemas/*.xsd; do
    install -D -m 0644 "$xsd" "$root/usr/share/prenum/schemas/$(basename "$xsd")"
done
install -D -m 0644 packaging/debian/prenum.json "$root/etc/prenum/prenum.json"
install -D -m 0644 Config/categories.json "$root/etc/prenum/categories.json"
install -D -m 0644 packaging/debian/logrotate "$root/etc/logrotate.d/prenum"
install -D -m 0644 scripts/systemd/prenum-run.service "$root/lib/systemd/system/prenum-run.service"
install -D -m 0644 scripts/systemd/prenum-run.timer "$root/lib/systemd/system/prenum-run.timer"
install -D -m 0644 packaging/debian/sysusers.conf "$root/usr/lib/sysusers.d/prenum.conf"
install -D -m 0644 packaging/debian/tmpfiles.conf "$root/usr/lib/tmpfiles.d/prenum.conf"
install -D -m 0644 scripts/monitoring/prenum-alerts.yml "$root/usr/share/prenum/prometheus/prenum-alerts.yml"
install -D -m 0644 scripts/cron/prenum.crontab "$root/usr/share/prenum/cron/prenum"
install -d -m 0755 "$root/usr/share/man/man1" "$root/usr/share/doc/prenum"
"$root/usr/bin/prenum" --man | gzip -9n > "$root/usr/share/man/man1/prenum.1.gz"
install -m 0644 packaging/debian/copyright "$root/usr/share/doc/prenum/copyright"
for doc in docs/OPERATIONS.md docs/DELIVERY-FORMAT.md docs/POPULATION-FILES.md README.md; do
    gzip -9n < "$doc" > "$root/usr/share/doc/prenum/$(basename "$doc").gz"
done
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
changelog_date=$(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")
printf 'prenum (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- Prenum project <prenum-ops@example.org>  %s\n' \
    "$version" "$commit" "$changelog_date" | gzip -9n > "$root/usr/share/doc/prenum/changelog.gz"
find "$root/usr/share/doc" "$root/usr/share/man" -type f -exec chmod 0644 {} +

install -d -m 0755 "$root/DEBIAN"
install -m 0755 packaging/debian/postinst packaging/debian/postrm "$root/DEBIAN/"
printf '/etc/prenum/prenum.json\n/etc/prenum/categories.json\n/etc/logrotate.d/prenum\n' > "$root/DEBIAN/conffiles"
installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: prenum
Version: $version
Architecture: $arch
Maintainer: Prenum project <prenum-ops@example.org>
Installed-Size: $installed_size
Depends: adduser, libc6 (>= 2.34), libsqlite3-0 (>= 3.31), libssl3, libxml2, libstdc++6, libgcc-s1, libxml2-utils
Recommends: systemd, prometheus-node-exporter, logrotate
Section: misc
Priority: optional
Homepage: https://example.org/prenum
Description: subscription batch processor for a social-insurance register
 Every night prenum delivers to each subscriber (insurers, municipalities,
 agencies) one signed XML file with what changed in the benefit data it may
 see, with an exactly-once publication, a hash chain per subscriber and a
 recipient-side verifier. Runs as the prenum user from a systemd timer.
CONTROL
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z | xargs -0 md5sum | sed 's| \./| |') > "$root/DEBIAN/md5sums"
deb="$out/prenum_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
[ "$check" = yes ] || exit 0

# --- the checks CI runs ---
echo "package-deb: lintian" >&2
lintian --fail-on error --suppress-tags no-manual-page "$deb" >&2

scratch=$(mktemp -d)
trap 'rm -rf "$root" "$scratch"' EXIT
dpkg -x "$deb" "$scratch/root"
prenum="$scratch/root/usr/bin/prenum"
# SwiftPM always adds $ORIGIN (harmless: /usr/bin holds no libraries); a path into the toolchain
# would make the binary depend on the build machine.
runpath=$(readelf -d "$prenum" | grep -E 'RUNPATH|RPATH' || true)
if echo "$runpath" | grep -q '/'; then
    echo "package-deb: the binary has a RUNPATH into the file system: $runpath" >&2; exit 1
fi
libraries=$(ldd "$prenum")
echo "$libraries" >&2
if echo "$libraries" | grep -Eiq 'swift|libFoundation|libdispatch|libBlocksRuntime|not found'; then
    echo "package-deb: the binary needs a library of the toolchain (or a missing one)" >&2; exit 1
fi

# The user and folders as the postinst makes them (sysusers.d, tmpfiles.d), into the scratch root.
cp /etc/passwd /etc/group "$scratch/root/etc/"
systemd-sysusers --root="$scratch/root" prenum.conf >&2
systemd-tmpfiles --root="$scratch/root" --create prenum.conf >&2 2>/dev/null || true
grep -q '^prenum:' "$scratch/root/etc/passwd" && [ -d "$scratch/root/var/lib/prenum/state" ] \
    || { echo "package-deb: sysusers.d/tmpfiles.d did not make the prenum user and /var/lib/prenum" >&2; exit 1; }

# The unpacked binary alone, with no environment: version, a sample register and key, and
# the configuration check on the shipped sample configuration.
env -i "$prenum" --version
work="$scratch/work"
mkdir -p "$work/var/inbox" "$work/var/outbox" "$work/var/archive"
cp -R Config "$work/Config"
cp -R SampleData/inbox/. "$work/var/inbox/"
env -i "$prenum" sample create --register "$work/var/register.db" --persons 2000 --seed 42 --date 2026-11-01 >/dev/null
env -i "$prenum" keys generate --out "$work/var/keys" >/dev/null
(cd "$work" && env -i "$prenum" check --config Config/prenum.json --date 2026-11-01)
(cd "$work" && env -i "$prenum" run --config Config/prenum.json --date 2026-11-01 2>/dev/null)
first=$(ls "$work/var/outbox/insurer-trygg/"*.xml | head -n 1)
(cd "$work" && env -i PATH=/usr/bin:/bin "$prenum" verify --dir var/outbox/insurer-trygg --public-key var/keys/signing-public.pem) >/dev/null
echo "package-deb: $deb passed lintian, runs without the toolchain ($(basename "$first") verified)" >&2
