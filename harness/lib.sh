# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the harness: logging, timed stages, locations.
# Sourced by harness/ghdev; not meant to be run on its own.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=$REPO/harness

# Where the unpacked base tree lives (outside the clone, shared by clones).
GH_CACHE=${GH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gunyah-dev}
# Where this clone's build output, logs and initramfs go.
GH_BUILD=${GH_BUILD:-$REPO/build}
# Set KSRC to use an existing kernel tree instead of Debian's tarball.
KSRC=${KSRC:-}
# Seconds a QEMU boot may take before it counts as hung (`ghdev fuzz`
# allows an hour unless this is set).
GH_BOOT_TIMEOUT_SET=${GH_BOOT_TIMEOUT:+1}
GH_BOOT_TIMEOUT=${GH_BOOT_TIMEOUT:-900}
# boot_limit DEFAULT: GH_BOOT_TIMEOUT if the caller set it, else DEFAULT.
boot_limit() {
	if [ -n "$GH_BOOT_TIMEOUT_SET" ]; then
		echo "$GH_BOOT_TIMEOUT"
	else
		echo "$1"
	fi
}
# A Gunyah QEMU platform image (hypvm.elf) for `ghdev run` to boot on, or
# "stub" for a stand-in that checks the boot layout without Gunyah.
GH_HYP_IMAGE=${GH_HYP_IMAGE:-}

# The kernel command line of every boot; ghjob=JOB is added per boot.
KERNEL_ARGS="console=ttyAMA0 rodata=full panic=-1 kmemleak=on"

ARCH=arm64
CROSS_COMPILE=aarch64-linux-gnu-
export ARCH CROSS_COMPILE
export CCACHE_DIR=${CCACHE_DIR:-$GH_CACHE/ccache}
JOBS=${JOBS:-$(nproc)}

# The overlay: the directories of this repository that sit at kernel paths.
OVERLAY_DIRS="drivers include Documentation tools"

# Debian packages the harness needs (checked, installed when missing).
PACKAGES="linux-source-6.12 gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
libc6-dev-arm64-cross qemu-system-arm sparse ccache flex bison bc libssl-dev
libelf-dev cpio xz-utils kmod rsync python3 perl patch git gcc make libc6-dev
coreutils util-linux gzip device-tree-compiler dt-schema yamllint
python3-docutils"

if [ -t 1 ]; then
	C_B=$'\e[1m'; C_R=$'\e[31m'; C_G=$'\e[32m'; C_0=$'\e[0m'
else
	C_B=; C_R=; C_G=; C_0=
fi

say()  { printf '%s==>%s %s\n' "$C_B" "$C_0" "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf '%swarning:%s %s\n' "$C_R" "$C_0" "$*" >&2; }
die()  { printf '%serror:%s %s\n' "$C_R" "$C_0" "$*" >&2; exit 1; }

# stage NAME CMD...: run one stage, print what it does and how long it took.
stage() {
	local name=$1 t0 rc
	shift
	say "$name"
	t0=$(date +%s)
	"$@"
	rc=$?
	printf '    %s: %s in %ss\n' "$name" \
		"$([ $rc -eq 0 ] && echo done || echo "FAILED (exit $rc)")" \
		"$(( $(date +%s) - t0 ))"
	return $rc
}

# run_logged LOG CMD...: run CMD with its output in LOG; on failure show the
# tail of LOG, so a long build's error is visible without opening the file.
run_logged() {
	local log=$1 rc
	shift
	"$@" >"$log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "---- last lines of $log ----" >&2
		tail -n 40 "$log" >&2
		echo "---- end of $log ----" >&2
	fi
	return $rc
}

# Refuse to start a long build on a nearly full disk.
check_disk() {
	local dir=$1 need_mb=$2 avail
	mkdir -p "$dir" || die "cannot create $dir"
	avail=$(df -Pm "$dir" | awk 'NR==2 {print $4}')
	if [ -n "$avail" ] && [ "$avail" -lt "$need_mb" ]; then
		die "only ${avail} MiB free under $dir; the build needs about ${need_mb} MiB. Free some space or point GH_CACHE / GH_BUILD elsewhere."
	fi
}

# The kernel build directory; "ghdev bench" builds another one.
KOUT=${KOUT:-$GH_BUILD/kernel}

kmake() {
	make -C "$SRC" O="$KOUT" ARCH=$ARCH \
		CROSS_COMPILE=$CROSS_COMPILE CC="ccache ${CROSS_COMPILE}gcc" \
		-j"$JOBS" "$@"
}
