/* infer_rules_rnn.c - typing rules for the recurrent ops rnn, gru and lstm.
 * ops.md "Recurrent".  Legacy recurrent layers keep their rank-5 layout
 * (nn-layers.md Q): x [S, B, I, 1, 1], states [1, B, H, 1, 1], and a
 * bidirectional LSTM has five outputs (y, then h and c per direction). */
#include "passes/infer/infer_int.h"

#include <string.h>

/* gates: 1 (rnn), 3 (gru), 4 (lstm). */
static void recurrent(IOp *io, int gates)
{
	const Type *x = io_type(io, "x"), *wih = io_type(io, "weight_ih"),
	           *whh = io_type(io, "weight_hh");
	bool nn5 = io->nn && type_ranked(x) && x->rank == 5;
	if (!type_ranked(x) || (x->rank != 3 && !nn5)) {
		if (type_ranked(x))
			io_err(io, I_OPERAND_RANK, "x must be [seq, batch, input], found rank %d", x->rank);
		io_outs_unknown(io);
		return;
	}
	Dim s = x->dims[0], b = x->dims[1], in = x->dims[2];
	Dim h = dim_unknown();
	if (type_ranked(whh) && whh->rank == 2)
		h = whh->dims[1];
	else if (type_ranked(wih) && wih->rank == 2 && wih->dims[0].kind == DIM_CONST)
		h = dim_const(wih->dims[0].size / gates);
	if (type_ranked(wih) && wih->rank == 2) {
		if (!dim_may_equal(wih->dims[1], in))
			io_err(io, I_SHAPE, "weight_ih takes %lld inputs; x has %lld",
			       (long long)wih->dims[1].size, (long long)in.size);
		if (h.kind == DIM_CONST && !dim_may_equal(wih->dims[0], dim_const(gates * h.size)))
			io_err(io, I_SHAPE, "weight_ih has %lld rows; %d gates of %lld expected",
			       (long long)wih->dims[0].size, gates, (long long)h.size);
	}
	if (type_ranked(whh) && whh->rank == 2 && h.kind == DIM_CONST &&
	    !dim_may_equal(whh->dims[0], dim_const(gates * h.size)))
		io_err(io, I_SHAPE, "weight_hh has %lld rows; %d gates of %lld expected",
		       (long long)whh->dims[0].size, gates, (long long)h.size);
	const char *dir = io_str(io, "direction");
	int64_t dirs = dir && gates == 4 && !strcmp(dir, "bidirectional") ? 2 : 1;
	Dim dh = dim_mulc(io->in, h, dirs);
	Dim seq = io_bool_or(io, "output_sequence", false) ? s : dim_const(1);
	const Type *ih = io_type(io, "initial_h");
	if (type_ranked(ih) && ih->rank == 2 &&
	    (!dim_may_equal(ih->dims[0], b) || !dim_may_equal(ih->dims[1], dh)))
		io_err(io, I_SHAPE, "initial_h must be [batch, %lld]", (long long)dh.size);
	if (nn5) {
		Dim one = dim_const(1);
		Dim y[5] = { seq, b, dh, one, one };
		/* bidirectional legacy LSTM: per-direction states of H */
		Dim st[5] = { one, b, io->op->nouts == 5 ? h : dh, one, one };
		io_out(io, 0, 5, y);
		for (uint32_t i = 1; i < io->op->nouts; i++)
			io_out(io, i, 5, st);
		return;
	}
	Dim y[3] = { seq, b, dh }, st[2] = { b, dh };
	io_out(io, 0, 3, y);
	for (uint32_t i = 1; i < io->op->nouts; i++)
		io_out(io, i, 2, st);
}

void rule_RNN(IOp *io) { recurrent(io, 1); }
void rule_GRU(IOp *io) { recurrent(io, 3); }
void rule_LSTM(IOp *io) { recurrent(io, 4); }
