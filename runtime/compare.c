/*
 * compare.c - error figures of a device run against the reference, per
 * output and per op (compare.h).
 */
#include <math.h>

#include "runtime/compare.h"
#include "runtime/rt_int.h"

RtRange rt_range(const RtTensor *t)
{
	RtRange r = { INFINITY, -INFINITY, 0, 0 };
	for (int64_t i = 0; t && t->data && t->dt != DT_STRING && i < t->numel; i++) {
		double v = rt_tensor_get(t, i);
		if (isnan(v))
			r.nan++;
		else if (isinf(v))
			r.inf++;
		else {
			r.min = fmin(r.min, v);
			r.max = fmax(r.max, v);
		}
	}
	if (r.min > r.max)
		r.min = r.max = NAN;
	return r;
}

RtDiff rt_diff(const RtTensor *ref, const RtTensor *got, RtTolerance tol)
{
	RtDiff d = { 0 };
	double dot = 0, nr = 0, ng = 0;
	int64_t n = ref->numel < got->numel ? ref->numel : got->numel;
	for (int64_t i = 0; ref->dt != DT_STRING && got->dt != DT_STRING && i < n; i++) {
		double r = rt_tensor_get(ref, i), g = rt_tensor_get(got, i);
		bool rf = isfinite(r), gf = isfinite(g);
		d.ref_nonfinite += !rf;
		d.nonfinite += !gf;
		d.new_nonfinite += rf && !gf;
		if (!rf || !gf)
			continue;
		d.scale = fmax(d.scale, fabs(r));
		d.max_abs = fmax(d.max_abs, fabs(g - r));
		dot += r * g;
		nr += r * r;
		ng += g * g;
	}
	d.max_rel = d.scale > 0 ? d.max_abs / d.scale : d.max_abs > 0 ? INFINITY : 0;
	d.cosine = nr > 0 && ng > 0 ? dot / sqrt(nr * ng) : nr == ng ? 1.0 : 0.0;
	d.within = ref->numel == got->numel && !d.new_nonfinite &&
	           d.max_abs <= tol.atol + tol.rtol * d.scale;
	return d;
}

static const char *device_of(const RtProgram *p, const Op *op)
{
	for (uint32_t s = 0; s < p->nsegs; s++)
		if (op->index >= p->segstats[s].first && op->index <= p->segstats[s].last)
			return p->segstats[s].device;
	return "cpu";
}

static bool is_operand_value(const RtProgram *p, const RtTensor *t)
{
	return t && t->dt == DT_FP32 && !(t >= p->vals && t < p->vals + p->nvals &&
	                                   p->is_const[t - p->vals]);
}

static void fill_finding(RtOpFinding *f, const RtProgram *dev, const RtOp *o, uint32_t k,
                         const RtTensor *ref_out, RtDiff d)
{
	f->op = o->op;
	f->device = device_of(dev, o->op);
	f->output = k;
	f->diff = d;
	f->out = rt_range(o->outs[k]);
	f->ref_out = rt_range(ref_out);
	f->noperands = 0;
	for (uint32_t a = 0; a < o->nargs; a++)
		for (uint32_t j = 0; j < o->args[a].n; j++) {
			const RtTensor *t = o->args[a].t[j];
			if (!is_operand_value(dev, t) || f->noperands == RT_OPV_MAX_OPERANDS)
				continue;
			f->operand_names[f->noperands] = o->args[a].name;
			f->operands[f->noperands++] = rt_range(t);
		}
}

void rt_compare_ops(const RtProgram *ref, const RtProgram *dev, RtTolerance tol,
                    RtOpFinding *divergent, RtOpFinding *nonfinite)
{
	divergent->op = nonfinite->op = NULL;
	uint32_t n = ref->body.nops < dev->body.nops ? ref->body.nops : dev->body.nops;
	for (uint32_t i = 0; i < n && !(divergent->op && nonfinite->op); i++) {
		const RtOp *ro = &ref->body.ops[i], *o = &dev->body.ops[i];
		if (o->folded || ro->op != o->op)
			continue;
		for (uint32_t k = 0; k < o->nouts && k < ro->nouts; k++) {
			const RtTensor *g = o->outs[k], *r = ro->outs[k];
			if (!g || !r || !g->data || !r->data || g->dt != DT_FP32 || r->dt != DT_FP32)
				continue;
			RtDiff d = rt_diff(r, g, tol);
			if (!divergent->op && !d.within)
				fill_finding(divergent, dev, o, k, r, d);
			if (!nonfinite->op && d.nonfinite)
				fill_finding(nonfinite, dev, o, k, r, d);
		}
	}
}
