#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks on our files, each one counted as a test case:
#   checkpatch --strict, sparse (C=2), W=1, kernel-doc, uapi header test,
#   devicetree bindings (dt-schema), the Gunyah-image devicetree, and a
#   distribution build of the driver that must hold no simulator code.
# Writes "ok NAME" / "not ok NAME DETAIL" lines to $1; logs go to
# $GH_BUILD/static/. Needs GH_BUILD, SRC, REPO and JOBS from ghdev.

set -o pipefail
. "$(dirname "$0")/lib.sh"
RES=$1
LOGS=$GH_BUILD/static
mkdir -p "$LOGS"

result() { # NAME LOG: ok if LOG is empty
	local name=$1 log=$2
	if [ -s "$log" ]; then
		echo "not ok $name see $log" >>"$RES"
		note "$name: FAILED"
		sed 's/^/      /' "$log" | head -n 30
	else
		echo "ok $name" >>"$RES"
		note "$name: ok"
	fi
}

cd "$REPO" || exit 1
C_FILES=$(git ls-files 'drivers/virt/gunyah/*.[ch]' 'include/*.h' \
	'tools/testing/selftests/gunyah/*.[ch]' 2>/dev/null)
KDOC_FILES=$(git ls-files 'drivers/virt/gunyah/*.[ch]' 'include/*.h' 2>/dev/null)
ALL_FILES=$(git ls-files drivers include Documentation tools 2>/dev/null)
[ -n "$ALL_FILES" ] || { echo "not ok static no files found (not a git checkout?)" >>"$RES"; exit 0; }

# checkpatch --strict on every file of ours, run inside the tree it lands in.
: >"$LOGS/checkpatch.log"
for f in $ALL_FILES; do
	(cd "$SRC" && perl scripts/checkpatch.pl --strict --terse --no-summary \
		--show-types -f "$f") >>"$LOGS/checkpatch.log" 2>&1
done
result checkpatch "$LOGS/checkpatch.log"

# W=1 build of drivers/virt/gunyah: force a recompile of our objects.
find "$GH_BUILD/kernel/drivers/virt/gunyah" -name '*.o' -delete 2>/dev/null
kmake W=1 drivers/virt/gunyah/ >"$LOGS/w1.raw" 2>&1
w1rc=$?
grep -E 'warning:|error:' "$LOGS/w1.raw" >"$LOGS/w1.log"
[ $w1rc -eq 0 ] || [ -s "$LOGS/w1.log" ] || tail -n 20 "$LOGS/w1.raw" >"$LOGS/w1.log"
result w1-build "$LOGS/w1.log"

# A distribution config (the driver on, the simulator and KUnit off) must
# build no simulator code: no rm_sim object, no simulator symbol.
distro_build() {
	local out=$GH_BUILD/distro-kernel log=$LOGS/distro.log frag=$LOGS/distro.config
	{
		cat "$HARNESS/configs/base.config"
		echo CONFIG_GUNYAH=y
		echo '# CONFIG_GUNYAH_RM_SIM is not set'
		echo '# CONFIG_KUNIT is not set'
	} >"$frag"
	: >"$log"
	if ! KOUT=$out kmake KCONFIG_ALLCONFIG="$frag" allnoconfig >"$LOGS/distro.raw" 2>&1 ||
	   ! KOUT=$out kmake drivers/virt/gunyah/ >>"$LOGS/distro.raw" 2>&1; then
		tail -n 20 "$LOGS/distro.raw" >"$log"
		return
	fi
	grep -q '^CONFIG_GUNYAH=y' "$out/.config" || echo "CONFIG_GUNYAH is not y" >>"$log"
	grep -E '^CONFIG_(GUNYAH_RM_SIM|KUNIT)=' "$out/.config" >>"$log"
	find "$out/drivers/virt/gunyah" -path '*rm_sim*' -name '*.o' >>"$log"
	syms=$("${CROSS_COMPILE}nm" "$out/drivers/virt/gunyah/built-in.a" 2>&1)
	grep -q ' T gunyah_core_attach$' <<<"$syms" || echo "the driver was not built" >>"$log"
	grep -E 'rm_sim|simt_' <<<"$syms" | sed 's/^/simulator symbol: /' >>"$log"
}
distro_build
result distro-no-sim "$LOGS/distro.log"

# sparse on every file of drivers/virt/gunyah (C=2 checks without rebuilding).
kmake C=2 CHECK=sparse drivers/virt/gunyah/ >"$LOGS/sparse.raw" 2>&1
grep -E '^[^ ]*drivers/virt/gunyah/.*(warning|error):' "$LOGS/sparse.raw" >"$LOGS/sparse.log"
grep -q 'CHECK.*drivers/virt/gunyah' "$LOGS/sparse.raw" ||
	echo "sparse checked no file of drivers/virt/gunyah" >>"$LOGS/sparse.log"
result sparse "$LOGS/sparse.log"

# kernel-doc: no warnings on our sources and headers.
: >"$LOGS/kernel-doc.log"
for f in $KDOC_FILES; do
	perl "$SRC/scripts/kernel-doc" -none -Wall "$f" >>"$LOGS/kernel-doc.log" 2>&1
done
result kernel-doc "$LOGS/kernel-doc.log"

# uapi header: installed by "make headers", then compiled alone the way the
# kernel's CONFIG_UAPI_HEADER_TEST does (C90, included twice for the guard).
: >"$LOGS/uapi.log"
for h in $(git ls-files 'include/uapi/*.h'); do
	inst=$GH_BUILD/kernel/usr/include/${h#include/uapi/}
	if [ ! -f "$inst" ]; then
		echo "$h was not installed by make headers" >>"$LOGS/uapi.log"
		continue
	fi
	# -Wpadded: no implicit padding, so the layout is the same for
	# 32-bit (compat) and 64-bit callers.
	"${CROSS_COMPILE}gcc" -std=c90 -Wall -Wpadded -Werror \
		-Werror=implicit-function-declaration \
		-I "$GH_BUILD/kernel/usr/include" -I "$SRC/usr/dummy-include" \
		-fsyntax-only -x c /dev/null -include "$inst" -include "$inst" \
		>>"$LOGS/uapi.log" 2>&1
	grep -n 'CONFIG_' "$inst" >>"$LOGS/uapi.log"
done
result uapi-header "$LOGS/uapi.log"
# Documentation: every page parses cleanly (docutils, Sphinx roles stubbed).
RST=$(git ls-files 'Documentation/*.rst' 2>/dev/null)
# shellcheck disable=SC2086
python3 "$HARNESS/check_rst.py" $RST >"$LOGS/rst.log" 2>&1
result rst "$LOGS/rst.log"

# Devicetree bindings: what `make dt_binding_check` checks, by hand.
BINDINGS=$(git ls-files 'Documentation/devicetree/bindings/*.yaml' 2>/dev/null)
if [ -n "$BINDINGS" ]; then
	# shellcheck disable=SC2086
	bash "$HARNESS/check_bindings.sh" "$SRC" "$LOGS/dt-binding" $BINDINGS \
		>"$LOGS/dt-binding.log" 2>&1
	result dt-binding "$LOGS/dt-binding.log"
fi

# The devicetree prepared for booting on a Gunyah image, checked offline.
if bash "$HARNESS/gunyah_image.sh" check >"$LOGS/gunyah-dtb.raw" 2>&1; then
	: >"$LOGS/gunyah-dtb.log"
else
	cp "$LOGS/gunyah-dtb.raw" "$LOGS/gunyah-dtb.log"
	[ -s "$LOGS/gunyah-dtb.log" ] || echo "gunyah_image.sh check failed" >"$LOGS/gunyah-dtb.log"
fi
result gunyah-dtb "$LOGS/gunyah-dtb.log"
exit 0
