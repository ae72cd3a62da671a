#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a gen_init_cpio file list for the test initramfs.

Usage: cpio_list.py INIT KSELFTEST_INSTALL_DIR [VMM_DIR [GUEST_IMAGE]]
The list holds the device nodes init needs before devtmpfs is mounted, the
init program, the installed kselftest tree (binaries and the
kselftest-list.txt that init reads to know what to run) and, from VMM_DIR,
the example VMM and its guest as /gunyah/gh_vmm and /gunyah/guest.bin,
and gh_linux; with GUEST_IMAGE, the Linux guest's kernel Image and
initramfs as /gunyah/linux/Image and /gunyah/linux/initramfs.cpio.gz (the
Image is stored as it is: the whole initramfs is compressed).
"""
import os
import sys


def main():
    init, ksft = sys.argv[1], sys.argv[2]
    out = [
        'dir /dev 0755 0 0',
        'nod /dev/console 0600 0 0 c 5 1',
        'nod /dev/null 0666 0 0 c 1 3',
        'dir /proc 0755 0 0',
        'dir /sys 0755 0 0',
        'dir /tmp 1777 0 0',
        'dir /root 0700 0 0',
        f'file /init {init} 0755 0 0',
        'dir /kselftest 0755 0 0',
    ]
    for root, dirs, files in os.walk(ksft):
        rel = os.path.relpath(root, ksft)
        dst = '/kselftest' if rel == '.' else f'/kselftest/{rel}'
        for d in sorted(dirs):
            out.append(f'dir {dst}/{d} 0755 0 0')
        for f in sorted(files):
            src = os.path.join(root, f)
            mode = os.stat(src).st_mode & 0o777
            out.append(f'file {dst}/{f} {src} {mode:o} 0 0')
    if len(sys.argv) > 3:
        vmm = sys.argv[3]
        out += [
            'dir /gunyah 0755 0 0',
            f'file /gunyah/gh_vmm {os.path.join(vmm, "gh_vmm")} 0755 0 0',
            f'file /gunyah/guest.bin {os.path.join(vmm, "guest.bin")} 0644 0 0',
            f'file /gunyah/gh_linux {os.path.join(vmm, "gh_linux")} 0755 0 0',
        ]
    if len(sys.argv) > 4:
        vmm, image = sys.argv[3], sys.argv[4]
        initrd = os.path.join(vmm, 'linux-initramfs.cpio.gz')
        out += [
            'dir /gunyah/linux 0755 0 0',
            f'file /gunyah/linux/Image {image} 0644 0 0',
            f'file /gunyah/linux/initramfs.cpio.gz {initrd} 0644 0 0',
        ]
    print('\n'.join(out))


if __name__ == '__main__':
    main()
