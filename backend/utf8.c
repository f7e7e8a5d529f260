/* utf8.c - strings from a model made safe for XML and JSON output: invalid
 * UTF-8 (and, for XML, the control characters XML 1.0 forbids) become
 * U+FFFD.  Clean strings come back unchanged, without a copy. */
#include "backend/emit_util.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t seq_len(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned min;
	if ((c & 0xE0) == 0xC0) {
		n = 2;
		min = 0x80;
		c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3;
		min = 0x800;
		c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4;
		min = 0x10000;
		c &= 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	/* XML 1.0 also excludes U+FFFE and U+FFFF */
	if (c == 0xFFFE || c == 0xFFFF)
		return 0;
	return n;
}

static bool bad_ctrl(unsigned char c, bool xml)
{
	return xml && c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

const char *emit_clean_utf8(Arena *a, const char *s, bool xml)
{
	if (!s)
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	for (; *p; p += n)
		if (!(n = seq_len(p)) || bad_ctrl(*p, xml))
			break;
	if (!*p)
		return s;
	/* each bad byte becomes 3 bytes */
	size_t len = strlen(s);
	char *out = arena_array(a, len + 1, 3);
	if (!out)
		return "";
	size_t k = (size_t)(p - (const unsigned char *)s);
	memcpy(out, s, k);
	while (*p) {
		n = seq_len(p);
		if (!n || bad_ctrl(*p, xml)) {
			memcpy(out + k, "\xEF\xBF\xBD", 3);
			k += 3;
			p++;
		} else {
			memcpy(out + k, p, n);
			k += n;
			p += n;
		}
	}
	out[k] = 0;
	return out;
}
