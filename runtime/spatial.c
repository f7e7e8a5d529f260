/*
 * spatial.c - padding and output size of conv and pooling windows, from
 * ops.md "Global conventions" (Spatial output size) and avg_pool
 * (ceil_mode).
 */
#include <string.h>

#include "runtime/spatial.h"

int rt_window(RtCtx *c, const RtOp *o, RtWindow *w, bool ceil_mode)
{
	int64_t v[2 * RT_MAX_SPATIAL];
	int ns = w->ns;
	for (int i = 0; i < ns; i++)
		w->s[i] = w->d[i] = 1;
	if (rt_in_ints(o, "strides", v, RT_MAX_SPATIAL) == ns)
		memcpy(w->s, v, sizeof(int64_t) * (size_t)ns);
	if (rt_in_ints(o, "dilations", v, RT_MAX_SPATIAL) == ns)
		memcpy(w->d, v, sizeof(int64_t) * (size_t)ns);
	const char *type = rt_in_str(o, "pad_type", "valid");
	int np = rt_in_ints(o, "pad", v, 2 * RT_MAX_SPATIAL);
	for (int i = 0; i < ns; i++) {
		if (w->s[i] < 1 || w->d[i] < 1 || w->k[i] < 1)
			return rt_fail(c, RT_E_OP, "%s: stride, dilation and kernel must be >= 1",
			               o->op->kind);
		int64_t keff = (w->k[i] - 1) * w->d[i] + 1, total = 0, before = 0;
		if (strcmp(type, "custom") == 0) {
			if (np != 2 * ns)
				return rt_fail(c, RT_E_OP, "%s: pad needs %d values", o->op->kind, 2 * ns);
			before = v[2 * i];
			total = v[2 * i] + v[2 * i + 1];
		} else if (strcmp(type, "same") == 0 || strcmp(type, "same_lower") == 0) {
			int64_t s = w->s[i], outs = (w->in[i] + s - 1) / s;
			total = s * outs - w->in[i] + keff - s;
			if (total < 0)
				total = 0;
			before = type[4] ? total - total / 2 : total / 2;
		} else if (strcmp(type, "valid") != 0) {
			return rt_fail(c, RT_E_OP, "%s: pad_type '%s'", o->op->kind, type);
		}
		int64_t span = w->in[i] + total - keff;
		int64_t out = ceil_mode ? (span + w->s[i] - 1) / w->s[i] + 1 : span / w->s[i] + 1;
		if (ceil_mode && total > 0 && (out - 1) * w->s[i] >= w->in[i] + total / 2)
			out--;
		if (span < 0 || out < 1)
			return rt_fail(c, RT_E_OP, "%s: window larger than the padded input",
			               o->op->kind);
		w->before[i] = before;
		w->after[i] = total - before;
		w->out[i] = out;
	}
	return 0;
}
