#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Booting our kernel as the primary VM of a Gunyah QEMU platform image
# (hypvm.elf, which the user brings). Sourced by ghdev for `GH_HYP_IMAGE=...
# ghdev run`; run directly it offers:
#
#   gunyah_image.sh dtb OUT.dtb INITRAMFS BOOTARGS
#       QEMU's own devicetree for the machine (dumped with -m 1G, the
#       primary VM's memory), with /chosen given the initramfs and the
#       command line, the GIC ITS removed (Gunyah's virtual GIC has none)
#       and with it every msi-map / msi-parent that pointed at it.
#   gunyah_image.sh check
#       Makes one with a dummy initramfs and checks the result; exits
#       non-zero with a message on the first problem. Needs no Gunyah image.
#
# The load addresses below are where the image's boot code expects the
# blobs; gunyah_qemu_args passes them to QEMU's loader device.

GUNYAH_MACHINE=virt,virtualization=on,gic-version=3,highmem=off
GUNYAH_CPU=max,sve128=on
GUNYAH_SMP=8
GUNYAH_INITRD_ADDR=0x40800000
GUNYAH_DTB_ADDR=0x40F00000
GUNYAH_IMAGE_ADDR=0x41000000
# The public RM refuses a primary-VM blob of 32 KiB or more (it prints
# "RM exit ret=0" and Linux never starts; 16 KiB and less boot): the blob is
# packed without free space and must stay within this size.
GUNYAH_DTB_MAX=0x4000

gunyah_fail() { echo "gunyah_image: $*" >&2; exit 1; }

# gunyah_nodes DTB [PATH]: every node path under PATH, depth first.
gunyah_nodes() {
	local dtb=$1 path=${2:-/} child
	echo "$path"
	for child in $(fdtget -l "$dtb" "$path"); do
		gunyah_nodes "$dtb" "${path%/}/$child"
	done
}

gunyah_has_prop() { # DTB NODE PROP
	fdtget -p "$1" "$2" 2>/dev/null | grep -qx -- "$3"
}

gunyah_is_compatible() { # DTB NODE COMPATIBLE
	gunyah_has_prop "$1" "$2" compatible &&
		fdtget -t s "$1" "$2" compatible | tr ' ' '\n' | grep -qx -- "$3"
}

# gunyah_make_dtb OUT INITRAMFS BOOTARGS; runs in a subshell, fails non-zero.
gunyah_make_dtb() (
	local out=$1 initrd=$2 bootargs=$3 tmp raw node its_phandle size start end
	local dtb_max=$((GUNYAH_IMAGE_ADDR - GUNYAH_DTB_ADDR))
	local initrd_max=$((GUNYAH_DTB_ADDR - GUNYAH_INITRD_ADDR))

	for t in qemu-system-aarch64 dtc fdtget fdtput; do
		command -v $t >/dev/null || gunyah_fail "$t not found (packages qemu-system-arm, device-tree-compiler)"
	done
	[ -f "$initrd" ] || gunyah_fail "no initramfs at $initrd"
	size=$(stat -c %s "$initrd") || exit 1
	[ "$size" -le "$initrd_max" ] ||
		gunyah_fail "initramfs is $size bytes; at $GUNYAH_INITRD_ADDR it may be at most $initrd_max (it would overlap the devicetree)"

	tmp=$(mktemp -d) || exit 1
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	raw=$tmp/qemu.dtb
	# The same machine as the boot, but 1G: the memory the primary VM gets.
	qemu-system-aarch64 -machine "$GUNYAH_MACHINE,dumpdtb=$raw" \
		-cpu "$GUNYAH_CPU" -m 1G -smp "$GUNYAH_SMP" -nographic -nic none \
		>"$tmp/qemu.log" 2>&1 || { cat "$tmp/qemu.log" >&2; gunyah_fail "QEMU could not dump its devicetree"; }

	start=$((GUNYAH_INITRD_ADDR))
	end=$((start + size))
	if ! { fdtput -t x "$raw" /chosen linux,initrd-start "$(printf '%x' "$start")" &&
		fdtput -t x "$raw" /chosen linux,initrd-end "$(printf '%x' "$end")" &&
		fdtput -t s "$raw" /chosen bootargs "$bootargs"; }; then
		gunyah_fail "cannot write /chosen"
	fi

	its_phandle=
	for node in $(gunyah_nodes "$raw"); do
		gunyah_is_compatible "$raw" "$node" arm,gic-v3-its || continue
		gunyah_has_prop "$raw" "$node" phandle &&
			its_phandle=$(fdtget -t u "$raw" "$node" phandle)
		fdtput -r "$raw" "$node" || gunyah_fail "cannot remove $node"
	done
	for node in $(gunyah_nodes "$raw"); do
		# msi-map is <rid-base msi-controller msi-base length>...
		gunyah_has_prop "$raw" "$node" msi-map && { fdtput -d "$raw" "$node" msi-map || exit 1; }
		if [ -n "$its_phandle" ] && gunyah_has_prop "$raw" "$node" msi-parent &&
			[ "$(fdtget -t u "$raw" "$node" msi-parent | cut -d' ' -f1)" = "$its_phandle" ]; then
			fdtput -d "$raw" "$node" msi-parent || exit 1
		fi
	done

	# QEMU's blob is a full 1 MiB and fdtput only grows it: pack it, with
	# no free space (the RM's limit, GUNYAH_DTB_MAX above).
	dtc -q -I dtb -O dtb -o "$out" "$raw" ||
		gunyah_fail "cannot pack the devicetree"
	size=$(stat -c %s "$out")
	[ "$size" -le "$dtb_max" ] ||
		gunyah_fail "devicetree is $size bytes; at $GUNYAH_DTB_ADDR it may be at most $dtb_max"
	[ "$size" -le $((GUNYAH_DTB_MAX)) ] ||
		gunyah_fail "devicetree is $size bytes; the Resource Manager takes at most $((GUNYAH_DTB_MAX)) (it exits on larger blobs)"
)

gunyah_check_dtb() (
	local tmp dtb node n=0 cpus
	tmp=$(mktemp -d) || exit 1
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	head -c 4097 /dev/zero >"$tmp/initrd"
	gunyah_make_dtb "$tmp/out.dtb" "$tmp/initrd" "console=ttyAMA0 ghjob=check" || exit 1
	dtb=$tmp/out.dtb

	[ "$(fdtget -t x "$dtb" /chosen linux,initrd-start)" = 40800000 ] ||
		gunyah_fail "linux,initrd-start is not 0x40800000"
	[ "$(fdtget -t x "$dtb" /chosen linux,initrd-end)" = 40801001 ] ||
		gunyah_fail "linux,initrd-end is not start + size"
	[ "$(fdtget -t s "$dtb" /chosen bootargs)" = "console=ttyAMA0 ghjob=check" ] ||
		gunyah_fail "bootargs not set"
	[ "$(fdtget -t x "$dtb" /memory@40000000 reg)" = "0 40000000 0 40000000" ] ||
		gunyah_fail "memory is not 1 GiB at 0x40000000"
	[ "$(fdtget -t s "$dtb" /psci method)" = smc ] ||
		gunyah_fail "PSCI does not use SMC"
	cpus=$(fdtget -l "$dtb" /cpus | grep -c '^cpu@')
	[ "$cpus" -eq "$GUNYAH_SMP" ] || gunyah_fail "$cpus CPUs, not $GUNYAH_SMP"
	for node in $(gunyah_nodes "$dtb"); do
		n=$((n + 1))
		gunyah_is_compatible "$dtb" "$node" arm,gic-v3-its && gunyah_fail "ITS left at $node"
		gunyah_has_prop "$dtb" "$node" msi-map && gunyah_fail "msi-map left at $node"
	done
	gunyah_is_compatible "$dtb" /intc@8000000 arm,gic-v3 || gunyah_fail "GICv3 gone"
	gunyah_has_prop "$dtb" /pcie@10000000 compatible || gunyah_fail "PCIe node gone"
	[ "$(stat -c %s "$dtb")" -le $((GUNYAH_DTB_MAX)) ] ||
		gunyah_fail "devicetree is $(stat -c %s "$dtb") bytes, over the RM's $((GUNYAH_DTB_MAX))"
	dtc -q -I dtb -O dts -o /dev/null "$dtb" || gunyah_fail "result does not decompile"
	echo "gunyah_image: devicetree ok ($n nodes, $(stat -c %s "$dtb") bytes)"
)

# gunyah_make_stub OUT: build gunyah_stub.S, which boots the kernel the way
# the image does but without a hypervisor (GH_HYP_IMAGE=stub).
gunyah_make_stub() {
	"${CROSS_COMPILE:-aarch64-linux-gnu-}gcc" -nostdlib -static \
		-Wl,-Ttext=0x80000000 -Wl,--build-id=none \
		-o "$1" "$(dirname "${BASH_SOURCE[0]}")/gunyah_stub.S"
}

# gunyah_qemu_args HYPVM DTB IMAGE INITRAMFS: the QEMU command line, one
# argument per line. TCG runs single-threaded: with one host thread per
# vCPU (8 on this machine's 2 cores) the primary VM crawls, the RM answers
# late and RCU reports stalls; one thread runs the same job in seconds.
gunyah_qemu_args() {
	printf '%s\n' -machine "$GUNYAH_MACHINE" -accel tcg,thread=single \
		-cpu "$GUNYAH_CPU" -m 2G \
		-smp "$GUNYAH_SMP" -nographic -nic none -no-reboot -kernel "$1" \
		-device "loader,file=$2,addr=$GUNYAH_DTB_ADDR" \
		-device "loader,file=$3,addr=$GUNYAH_IMAGE_ADDR" \
		-device "loader,file=$4,addr=$GUNYAH_INITRD_ADDR"
}

# Sourced: only the definitions above.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

set -o pipefail
case "${1:-}" in
dtb)	[ $# -eq 4 ] || gunyah_fail "usage: $0 dtb OUT.dtb INITRAMFS BOOTARGS"
	gunyah_make_dtb "$2" "$3" "$4" ;;
check)	gunyah_check_dtb ;;
*)	sed -n '4,18s/^# \{0,1\}//p' "$0"; exit 2 ;;
esac
