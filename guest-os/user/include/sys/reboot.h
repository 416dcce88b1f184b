/* sys/reboot.h: Linux's reboot call with its four arguments (not glibc's
 * one-argument form): reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
 * cmd, NULL). */
#ifndef _SYS_REBOOT_H
#define _SYS_REBOOT_H

#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_CMD_RESTART 0x01234567
#define LINUX_REBOOT_CMD_HALT 0xCDEF0123
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321FEDC

int reboot(unsigned magic, unsigned magic2, unsigned cmd, void *arg);

#endif
