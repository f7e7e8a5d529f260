/*
 * classify.c - classify (ops.md classify): the label of the largest
 * probability (the first on ties) and the class -> probability dictionary.
 * The dictionary is held as a 1-D fp32 tensor of the probabilities in the
 * order of `classes` (what the corpus's classLabel_probs.npy holds).
 */
#include <math.h>
#include <string.h>

#include "runtime/rt_int.h"

int rt_exec_classify(RtCtx *c, RtOp *o)
{
	const RtTensor *p = rt_in(o, "probabilities"), *cls = rt_in(o, "classes");
	if (!rt_f32(p) || !cls || cls->rank != 1 || o->nouts != 2)
		return rt_fail(c, RT_E_OP, "classify needs fp32 probabilities and a list of classes");
	if (cls->numel != p->numel || !p->numel)
		return rt_fail(c, RT_E_OP, "classify: %lld probabilities for %lld classes",
		               (long long)p->numel, (long long)cls->numel);
	const float *ps = p->data;
	int64_t best = 0;
	for (int64_t i = 1; i < p->numel; i++)
		if (ps[i] > ps[best] || (isnan(ps[best]) && !isnan(ps[i])))
			best = i;
	RtTensor *label = rt_out(c, o, 0, cls->dt, 0, NULL);
	int64_t n = p->numel;
	RtTensor *probs = label ? rt_out(c, o, 1, DT_FP32, 1, &n) : NULL;
	if (!probs)
		return -1;
	memcpy(label->data, (const char *)cls->data + (size_t)best * rt_dtype_size(cls->dt),
	       rt_dtype_size(cls->dt));
	memcpy(probs->data, ps, sizeof(float) * (size_t)n);
	return 0;
}
