/* check_junit.c - the gates of `anelint check` as JUnit (check.h): one
 * test case per gate and model. */
#include "backend/check.h"

int check_junit(const CheckModel *mr, uint32_t n, FILE *out, Arena *a)
{
	VEC(JunitCase) cases = { 0 };
	double total = 0;
	for (uint32_t m = 0; m < n; m++)
		for (uint32_t i = 0; i < mr[m].gates.n; i++) {
			const CheckGate *g = &mr[m].gates.v[i];
			JunitCase c = { 0 };
			c.classname = mr[m].path;
			c.name = g->name;
			c.seconds = g->seconds;
			total += g->seconds;
			if (!g->passed) {
				c.failure = g->message;
				c.failure_type = g->type;
				c.details = g->details;
				c.error = g->error;
			} else {
				c.system_out = g->message;
			}
			vec_push(a, &cases, c);
		}
	JunitSuite s = { "anelint check", total, cases.n, cases.v };
	return junit_write(&s, out);
}
