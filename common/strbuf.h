/* A growable byte buffer for building replies, JSON and PNG data. */
#ifndef PORTHOLE_STRBUF_H
#define PORTHOLE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data; /* always NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
	bool failed; /* an allocation failed; contents are incomplete */
};

void strbuf_init(struct strbuf *buf);

void strbuf_release(struct strbuf *buf);

void strbuf_append(struct strbuf *buf, const void *data, size_t len);

void strbuf_appendf(struct strbuf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Appends @str as a JSON string literal, quotes included. NULL becomes null. */
void strbuf_append_json_string(struct strbuf *buf, const char *str);

#endif
