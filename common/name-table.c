#include "name-table.h"

#include <string.h>

int
name_table_value(const struct name_table_entry *table, const char *name, int *value)
{
	for (; table->name; table++) {
		if (strcmp(table->name, name) == 0) {
			*value = table->value;
			return 0;
		}
	}
	return -1;
}

const char *
name_table_name(const struct name_table_entry *table, int value)
{
	for (; table->name; table++) {
		if (table->value == value)
			return table->name;
	}
	return "?";
}
