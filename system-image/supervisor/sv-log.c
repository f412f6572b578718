#include "sv-log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

void
sv_log(const char *fmt, ...)
{
	struct timespec now;
	va_list args;

	/* CLOCK_BOOTTIME of the machine: lines from several boots in one file
	 * still order, and no state needs keeping. */
	clock_gettime(CLOCK_BOOTTIME, &now);
	fprintf(stderr, "portholed: [%ld.%03ld] ", (long)now.tv_sec, now.tv_nsec / 1000000);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
	fflush(stderr);
}
