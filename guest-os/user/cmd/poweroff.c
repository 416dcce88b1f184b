/* poweroff: write out the disk caches and turn the machine off (on
 * isola the kernel ends the emulator with status 0). Needs the right to
 * reboot; without it, says why and fails. */
#include <stdio.h>
#include <sys/reboot.h>
#include <unistd.h>
#include "util.h"

int main(int argc, char **argv)
{
    prog = "poweroff";
    (void)argv;
    if (argc > 1)
        usage("(no options)");
    sync();
    reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL);
    warn("reboot");
    return 1;
}
