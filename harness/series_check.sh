#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `ghdev series-check`: apply the series `ghdev series` wrote, patch by
# patch, on a scratch copy of the pristine base tree (never the synced
# tree), and after each patch run checkpatch on it and, once the driver's
# Kconfig and Makefile hook are in, build drivers/virt/gunyah/ with W=1.
# Every step must build without a warning in our files.
# Needs GH_CACHE, GH_BUILD and JOBS from ghdev; $1 is the patch directory.

set -o pipefail
. "$(dirname "$0")/lib.sh"
PATCHES=$(cd "$1" 2>/dev/null && pwd) || die "no series in $1 (run: ghdev series)"
WORK=$GH_CACHE/series-check
BASE=$WORK/base
TREE=$WORK/tree
OUT=$WORK/out
LOGS=$GH_BUILD/series-check
TARBALL=/usr/src/linux-source-6.12.tar.xz

[ -d "$PATCHES" ] || die "no series in $PATCHES (run: ghdev series)"
mkdir -p "$WORK" "$LOGS"

# A pristine base tree, unpacked once and never written to.
if [ ! -f "$BASE/Makefile" ]; then
	note "unpacking $TARBALL into $BASE (once)"
	rm -rf "$BASE.tmp"
	mkdir -p "$BASE.tmp"
	tar -C "$BASE.tmp" -xf "$TARBALL" || die "cannot unpack $TARBALL"
	mv "$BASE.tmp/linux-source-6.12" "$BASE" && rmdir "$BASE.tmp"
fi

# The scratch tree: hard links to the base, except the files the series
# changes, which are real copies so that applying a patch cannot write
# through a link into the base.
rm -rf "$TREE"
cp -al "$BASE" "$TREE" || die "cannot copy the base tree"
for p in "$PATCHES"/0*.patch; do
	sed -n 's|^--- a/||p' "$p"
done | sort -u | while read -r f; do
	[ -f "$TREE/$f" ] && cp --remove-destination "$BASE/$f" "$TREE/$f"
done

SRC=$TREE
KOUT=$OUT
FRAG=$LOGS/fragments.config
cat "$HARNESS/configs/base.config" "$HARNESS/configs/gunyah.config" \
	"$HARNESS/configs/debug.config" >"$FRAG"

configured=
bad=0
n=0
for p in "$PATCHES"/0*.patch; do
	name=$(basename "$p")
	case $name in 0000-*) continue ;; esac
	n=$((n + 1))
	log=$LOGS/${name%.patch}.log
	: >"$log"
	if ! (cd "$TREE" && git apply --whitespace=error-all "$p") >>"$log" 2>&1; then
		echo "    $name: does not apply" && bad=$((bad + 1))
		break
	fi
	verdict=checkpatch-ok
	if ! (cd "$TREE" && perl scripts/checkpatch.pl --strict --terse \
		--ignore FILE_PATH_CHANGES "$p") >>"$log" 2>&1; then
		verdict=checkpatch-FAILED
		bad=$((bad + 1))
	fi
	build=not-built
	if [ -f "$TREE/drivers/virt/gunyah/Kconfig" ] &&
	   grep -q gunyah/ "$TREE/drivers/virt/Makefile"; then
		if [ -z "$configured" ] || ! cmp -s "$TREE/drivers/virt/gunyah/Kconfig" "$OUT/.gunyah-Kconfig"; then
			mkdir -p "$OUT"
			kmake KCONFIG_ALLCONFIG="$FRAG" allnoconfig >>"$log" 2>&1 &&
				cp "$TREE/drivers/virt/gunyah/Kconfig" "$OUT/.gunyah-Kconfig"
			configured=1
		fi
		find "$OUT/drivers/virt/gunyah" -name '*.o' -delete 2>/dev/null
		if kmake W=1 drivers/virt/gunyah/ >"$log.build" 2>&1 &&
		   ! grep -E 'warning:|error:' "$log.build" >>"$log"; then
			build=w1-build-ok
		else
			tail -n 20 "$log.build" >>"$log"
			build=w1-build-FAILED
			bad=$((bad + 1))
		fi
	fi
	echo "    $name: $verdict $build ($(wc -l <"$p") lines)"
done
echo "    series-check: $n patches, $bad failures (logs in $LOGS)"
[ "$bad" -eq 0 ]
