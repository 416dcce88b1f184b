#!/bin/sh
# ipc.sh under QEMU (skipped without it): the same pipelines, FIFO and
# ipcbench; QEMU's TSC counts cycles, within the same sanity bounds.
IPC_HOST=qemu-kernel
. "${srcdir:-.}/tests/os/ipc.sh"
