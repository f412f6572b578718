/*
 * One table per enum of names a user types (options, config, logs): the
 * names parse to values and values print as names from the same table.
 */
#ifndef PORTHOLE_NAME_TABLE_H
#define PORTHOLE_NAME_TABLE_H

struct name_table_entry {
	const char *name;
	int value;
};

/** The value of @name in @table (ended by a NULL name): 0, or -1 when it has none. */
int name_table_value(const struct name_table_entry *table, const char *name, int *value);

/** The name of @value in @table, or "?" when it has none. */
const char *name_table_name(const struct name_table_entry *table, int value);

#endif
