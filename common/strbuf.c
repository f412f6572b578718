#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
strbuf_init(struct strbuf *buf)
{
	buf->data = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->failed = false;
}

void
strbuf_release(struct strbuf *buf)
{
	free(buf->data);
	strbuf_init(buf);
}

static bool
strbuf_reserve(struct strbuf *buf, size_t extra)
{
	size_t need, cap;
	char *data;

	if (buf->failed)
		return false;
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return true;
	cap = buf->cap ? buf->cap : 256;
	while (cap < need)
		cap *= 2;
	data = realloc(buf->data, cap);
	if (!data) {
		buf->failed = true;
		return false;
	}
	buf->data = data;
	buf->cap = cap;
	return true;
}

void
strbuf_append(struct strbuf *buf, const void *data, size_t len)
{
	if (!strbuf_reserve(buf, len))
		return;
	memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void
strbuf_appendf(struct strbuf *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !strbuf_reserve(buf, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
}

void
strbuf_append_json_string(struct strbuf *buf, const char *str)
{
	const unsigned char *p;

	if (!str) {
		strbuf_append(buf, "null", 4);
		return;
	}
	strbuf_append(buf, "\"", 1);
	for (p = (const unsigned char *)str; *p; p++) {
		switch (*p) {
		case '"':
			strbuf_append(buf, "\\\"", 2);
			break;
		case '\\':
			strbuf_append(buf, "\\\\", 2);
			break;
		case '\n':
			strbuf_append(buf, "\\n", 2);
			break;
		case '\t':
			strbuf_append(buf, "\\t", 2);
			break;
		case '\r':
			strbuf_append(buf, "\\r", 2);
			break;
		default:
			if (*p < 0x20)
				strbuf_appendf(buf, "\\u%04x", *p);
			else
				strbuf_append(buf, p, 1);
		}
	}
	strbuf_append(buf, "\"", 1);
}
