#!/bin/sh
# Print the kernel's boot id: the one program workers may run to read it (Deno lets only
# --allow-all read /proc, and a worker must not be able to run cat on any file).
exec cat /proc/sys/kernel/random/boot_id
