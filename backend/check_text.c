/* check_text.c - the gates of `anelint check` for a terminal (check.h):
 * a line per model and per gate, a failing gate's details indented. */
#include "backend/check.h"

#include <string.h>

void check_text(const CheckModel *mr, uint32_t n, FILE *out)
{
	uint32_t failed_models = 0, failed = 0, total = 0;
	for (uint32_t m = 0; m < n; m++) {
		bool ok = check_model_passed(&mr[m]);
		failed_models += !ok;
		fprintf(out, "%s: %s\n", mr[m].path, !mr[m].usable ? "UNUSABLE" : ok ? "pass" : "FAIL");
		for (uint32_t i = 0; i < mr[m].gates.n; i++) {
			const CheckGate *g = &mr[m].gates.v[i];
			total++;
			failed += !g->passed;
			fprintf(out, "  %-5s %s: %s\n", g->error ? "ERROR" : g->passed ? "ok" : "FAIL", g->name,
			        g->message ? g->message : "");
			if (!g->passed && g->details) {
				const char *s = g->details;
				while (*s) {
					const char *e = strchr(s, '\n');
					size_t len = e ? (size_t)(e - s) : strlen(s);
					fprintf(out, "        %.*s\n", (int)len, s);
					s += len + (e != NULL);
				}
			}
		}
	}
	fprintf(out, "check: %u of %u model%s pass (%u of %u gates fail)\n", n - failed_models, n,
	        n == 1 ? "" : "s", failed, total);
}
