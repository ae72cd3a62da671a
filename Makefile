# SPDX-License-Identifier: GPL-2.0
# Convenience targets; everything is done by harness/ghdev (see README.md).
# This file is not part of the overlay: it never reaches the kernel tree.

.PHONY: run test bench fuzz ksft series series-check build deps tree clean
run test bench fuzz ksft series series-check build deps tree:
	@./harness/ghdev $@

clean:
	rm -rf build
