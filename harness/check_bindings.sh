#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check_bindings.sh SRC WORKDIR BINDING.yaml...
#
# What the kernel's `make dt_binding_check` does for our devicetree
# bindings, with Debian's dt-schema (older than the kernel's Makefile
# wants, so the steps are run by hand): yamllint with the kernel's rules,
# dt-doc-validate against the meta-schemas, and every example compiled
# with dtc (the kernel's default warnings) and validated against the
# bindings. Run from the repository's top directory. Prints nothing when
# all is well.

set -o pipefail
SRC=$1 WORK=$2
shift 2
BINDINGS_DIR=Documentation/devicetree/bindings
DTC_FLAGS="-Wno-unit_address_vs_reg -Wno-avoid_unnecessary_addr_size
-Wno-alias_paths -Wno-graph_child_address -Wno-simple_bus_reg"

for t in yamllint dt-doc-validate dt-mk-schema dt-extract-example dt-validate dtc cpp; do
	command -v $t >/dev/null || { echo "$t not found (packages dt-schema, yamllint, device-tree-compiler)"; exit 1; }
done

rm -rf "$WORK"
mkdir -p "$WORK/schemas"
for f in "$@"; do
	yamllint -f parsable -c "$SRC/$BINDINGS_DIR/.yamllint" "$f"
	dt-doc-validate -u "$PWD/$BINDINGS_DIR" "$f"
	mkdir -p "$WORK/schemas/$(dirname "${f#"$BINDINGS_DIR"/}")"
	cp "$f" "$WORK/schemas/${f#"$BINDINGS_DIR"/}"
done
# dt-mk-schema without the core schemas fails in this dt-schema version.
dt-mk-schema -j "$WORK/schemas" >"$WORK/processed-schema.json" 2>"$WORK/mk-schema.log" ||
	{ cat "$WORK/mk-schema.log"; exit 1; }

n=0
for f in "$@"; do
	n=$((n + 1))
	ex=$WORK/example-$n
	dt-extract-example "$f" >"$ex.dts" || { echo "$f: cannot extract the examples"; continue; }
	cpp -nostdinc -I "$SRC/include" -I "$SRC/scripts/dtc/include-prefixes" \
		-undef -D__DTS__ -x assembler-with-cpp "$ex.dts" -o "$ex.pp" ||
		{ echo "$f: the examples do not preprocess"; continue; }
	# shellcheck disable=SC2086
	dtc $DTC_FLAGS -I dts -O dtb -o "$ex.dtb" "$ex.pp" 2>&1 | sed "s|^|$f: |"
	[ -s "$ex.dtb" ] || { echo "$f: the examples do not compile"; continue; }
	dt-validate -s "$WORK/processed-schema.json" "$ex.dtb"
done
exit 0
