/* Files the unit tests set up in their scratch folders. */
#ifndef PORTHOLE_TEST_FILES_H
#define PORTHOLE_TEST_FILES_H

#include <stdio.h>
#include <stdlib.h>

/* Writes @text into @dir/@name; a test that cannot set up its files stops. */
static inline void
test_write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *file;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	file = fopen(path, "w");
	if (!file || fputs(text, file) < 0 || fclose(file) != 0)
		abort();
}

#endif
