/*
 * rnn.c - lstm (ops.md lstm): x [s, b, I], gates stacked [i, f, o, z],
 * bias = b_ih + b_hh, optional peephole [i, f, o] and cell clip;
 * directions forward, reverse and bidirectional (forward half first).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/rt_int.h"

typedef float (*Act)(float);

static float act_sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }
static float act_tanh(float x) { return tanhf(x); }
static float act_hard_sigmoid(float x) { return fminf(fmaxf(0.2f * x + 0.5f, 0), 1); }
static float act_relu(float x) { return x > 0 ? x : 0; }
static float act_linear(float x) { return x; }

/* Activation names, any case: the neural-network frontend writes them in
 * capitals ("SIGMOID"). */
static Act activation(const char *name)
{
	if (strcasecmp(name, "sigmoid") == 0) return act_sigmoid;
	if (strcasecmp(name, "tanh") == 0 || strcasecmp(name, "scaled_tanh") == 0) return act_tanh;
	if (strcasecmp(name, "hard_sigmoid") == 0) return act_hard_sigmoid;
	if (strcasecmp(name, "relu") == 0) return act_relu;
	if (strcasecmp(name, "linear") == 0) return act_linear;
	return NULL;
}

typedef struct LstmDir {
	const float *wih, *whh, *bias, *peep;
	int64_t col;            /* where this direction's half starts in h / y */
	bool reverse;
} LstmDir;

typedef struct LstmShape {
	int64_t s, b, in, h, dh;        /* dh = directions * h */
	Act ract, cact, act;
	bool has_clip;
	float clip;
} LstmShape;

static void run_direction(const LstmShape *sh, const LstmDir *d, const float *x, float *h,
                          float *cell, float *y, bool seq, float *gates)
{
	int64_t H = sh->h;
	for (int64_t step = 0; step < sh->s; step++) {
		int64_t t = d->reverse ? sh->s - 1 - step : step;
		for (int64_t bi = 0; bi < sh->b; bi++) {
			const float *xt = x + (t * sh->b + bi) * sh->in;
			float *hb = h + bi * sh->dh + d->col, *cb = cell + bi * sh->dh + d->col;
			for (int64_t g = 0; g < 4 * H; g++) {
				float acc = d->bias ? d->bias[g] : 0;
				const float *wi = d->wih + g * sh->in, *wh = d->whh + g * H;
				for (int64_t k = 0; k < sh->in; k++)
					acc += wi[k] * xt[k];
				for (int64_t k = 0; k < H; k++)
					acc += wh[k] * hb[k];
				gates[g] = acc;
			}
			for (int64_t j = 0; j < H; j++) {
				float pi = d->peep ? d->peep[j] : 0, pf = d->peep ? d->peep[H + j] : 0;
				float po = d->peep ? d->peep[2 * H + j] : 0;
				float i = sh->ract(gates[j] + pi * cb[j]);
				float f = sh->ract(gates[H + j] + pf * cb[j]);
				float z = sh->cact(gates[3 * H + j]);
				float cn = f * cb[j] + i * z;
				if (sh->has_clip)
					cn = fminf(fmaxf(cn, -sh->clip), sh->clip);
				float o = sh->ract(gates[2 * H + j] + po * cn);
				cb[j] = cn;
				hb[j] = o * sh->act(cn);
			}
			if (seq)
				memcpy(y + (t * sh->b + bi) * sh->dh + d->col, hb, sizeof(float) * (size_t)H);
		}
	}
}

int rt_exec_lstm(RtCtx *c, RtOp *o)
{
	const RtTensor *x = rt_in(o, "x"), *h0 = rt_in(o, "initial_h"), *c0 = rt_in(o, "initial_c");
	const RtTensor *wih = rt_in(o, "weight_ih"), *whh = rt_in(o, "weight_hh");
	const RtTensor *bias = rt_in(o, "bias"), *peep = rt_in(o, "peephole");
	/* The neural-network frontend's lstm carries two trailing unit dims
	 * (x [s, b, I, 1, 1]); its outputs keep them. */
	bool nn5 = x && x->rank == 5 && x->dims[3] == 1 && x->dims[4] == 1;
	if (!rt_f32(x) || (x->rank != 3 && !nn5) || !rt_f32(h0) || !rt_f32(c0) || !rt_f32(wih) ||
	    !rt_f32(whh) || o->nouts != 3)
		return rt_fail(c, RT_E_OP, "lstm needs float x [s, b, I], initial states and weights");
	const char *dir = rt_in_str(o, "direction", "forward");
	int ndir = strcmp(dir, "bidirectional") == 0 ? 2 : 1;
	LstmShape sh = { .s = x->dims[0], .b = x->dims[1], .in = x->dims[2], .h = whh->dims[1] };
	sh.dh = ndir * sh.h;
	sh.ract = activation(rt_in_str(o, "recurrent_activation", "sigmoid"));
	sh.cact = activation(rt_in_str(o, "cell_activation", "tanh"));
	sh.act = activation(rt_in_str(o, "activation", "tanh"));
	sh.has_clip = rt_in(o, "clip") != NULL;
	sh.clip = (float)rt_in_float(o, "clip", 0);
	if (!sh.ract || !sh.cact || !sh.act)
		return rt_fail(c, RT_E_OP, "lstm: an activation name is not one of ops.md's");
	if (wih->dims[0] != 4 * sh.h || wih->dims[1] != sh.in || whh->dims[0] != 4 * sh.h ||
	    h0->numel != sh.b * sh.dh || c0->numel != sh.b * sh.dh ||
	    (bias && bias->numel != 4 * sh.h) || (peep && peep->numel != 3 * sh.h))
		return rt_fail(c, RT_E_OP, "lstm: weight or state shapes do not match H = %lld",
		               (long long)sh.h);
	bool seq = rt_in_bool(o, "output_sequence", false);
	LstmDir dirs[2] = { { wih->data, whh->data, bias ? bias->data : NULL,
	                      peep ? peep->data : NULL, 0, strcmp(dir, "reverse") == 0 } };
	if (ndir == 2) {
		const RtTensor *wb = rt_in(o, "weight_ih_back"), *hb = rt_in(o, "weight_hh_back");
		const RtTensor *bb = rt_in(o, "bias_back"), *pb = rt_in(o, "peephole_back");
		if (!rt_f32(wb) || !rt_f32(hb) || wb->numel != wih->numel || hb->numel != whh->numel)
			return rt_fail(c, RT_E_OP, "bidirectional lstm needs *_back weights");
		dirs[1] = (LstmDir){ wb->data, hb->data, bb ? bb->data : NULL, pb ? pb->data : NULL,
		                     sh.h, true };
	}
	int64_t ydims[5] = { seq ? sh.s : 1, sh.b, sh.dh, 1, 1 }, sdims[5] = { sh.b, sh.dh, 1, 1, 1 };
	int32_t srank = 2;
	if (nn5) {
		sdims[0] = 1, sdims[1] = sh.b, sdims[2] = sh.dh;
		srank = 5;
	}
	RtTensor *y = rt_out(c, o, 0, DT_FP32, nn5 ? 5 : 3, ydims);
	RtTensor *hn = y ? rt_out(c, o, 1, DT_FP32, srank, sdims) : NULL;
	RtTensor *cn = hn ? rt_out(c, o, 2, DT_FP32, srank, sdims) : NULL;
	float *gates = cn ? malloc(sizeof(float) * (size_t)(4 * sh.h + 1)) : NULL;
	if (!gates)
		return cn ? rt_fail(c, RT_E_MEMORY, "lstm: out of memory") : -1;
	memcpy(hn->data, h0->data, sizeof(float) * (size_t)h0->numel);
	memcpy(cn->data, c0->data, sizeof(float) * (size_t)c0->numel);
	for (int d = 0; d < ndir; d++)
		run_direction(&sh, &dirs[d], x->data, hn->data, cn->data, y->data, seq, gates);
	if (!seq)
		memcpy(y->data, hn->data, sizeof(float) * (size_t)hn->numel);
	free(gates);
	return 0;
}
