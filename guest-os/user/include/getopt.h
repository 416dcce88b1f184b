/* getopt.h: getopt is declared in unistd.h; this header is for programs
 * that look for it here. */
#include <unistd.h>
