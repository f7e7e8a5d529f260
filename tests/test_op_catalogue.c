/* test_op_catalogue.c - the op catalogue against spec/opsets.md and ops.md,
 * and (when ../shared is present) against every row of spec/ops.tsv. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/op_catalogue.h"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

static const int levels[] = { OPSET_IOS15, OPSET_IOS16, OPSET_IOS17, OPSET_IOS18 };

static const OpInfo *must(const char *name, int level)
{
	const OpInfo *info = op_catalogue_lookup(name, level);
	if (!info)
		fail_msg("%s not found at level %d", name, level);
	return info;
}

static const OpOperandInfo *operand(const OpInfo *info, const char *name)
{
	const OpOperandInfo *o = op_info_operand(info, name);
	if (!o)
		fail_msg("%s has no operand %s (since %d)", info->name, name, info->since);
	return o;
}

/* opsets.md: "iOS15 (CoreML5) -- 151 ops available" ... iOS18 168; iOS26
 * registers no op versions and uses the iOS18 set. */
static void test_op_catalogue_counts_per_opset(void **state)
{
	(void)state;
	assert_int_equal(op_catalogue_count(OPSET_IOS15), 151);
	assert_int_equal(op_catalogue_count(OPSET_IOS16), 158);
	assert_int_equal(op_catalogue_count(OPSET_IOS17), 161);
	assert_int_equal(op_catalogue_count(OPSET_IOS18), 168);
	assert_int_equal(op_catalogue_count(OPSET_IOS26), 168);
	assert_int_equal(op_catalogue_count(0), 0);
	assert_int_equal(op_catalogue_count(14), 0);
	assert_int_equal(OPID_COUNT, 168);
	/* 168 ops + 7 + 48 + 4 re-versions (opsets.md). */
	assert_int_equal(op_catalogue_nrows(), 227);
}

/* ORDER OP: names sorted (bsearch), an op's rows contiguous with rising
 * `since`, every enum value and string named. */
static void test_op_catalogue_table_is_well_formed(void **state)
{
	(void)state;
	size_t n = op_catalogue_nrows();
	assert_null(op_catalogue_row(n));
	for (size_t i = 0; i < n; i++) {
		const OpInfo *r = op_catalogue_row(i);
		assert_non_null(r->name);
		assert_string_equal(op_id_name(r->id), r->name);
		assert_true(r->since >= OPSET_IOS15 && r->since <= OPSET_NEWEST);
		assert_non_null(infer_rule_name(r->rule));
		assert_true(r->noperands > 0);
		assert_true(r->nout_min <= r->nout_max);
		if (r->nout_max == 0)
			assert_int_equal(r->noutputs, 0);
		else if (r->nout_max == OP_OUTS_VARIADIC)
			assert_true(r->noutputs >= 1 && r->noutputs >= r->nout_min);
		else
			assert_int_equal(r->noutputs, r->nout_max);
		for (unsigned k = 0; k < r->noutputs; k++) {
			const OpOutputInfo *o = &r->outputs[k];
			if (o->rule == OUTDT_FIXED)
				assert_true(o->dt < DT_COUNT);
			if (o->rule == OUTDT_OPERAND)
				assert_non_null(op_info_operand(r, o->operand));
			if (o->rule == OUTDT_TVAR) {
				/* some operand binds the type variable */
				bool bound = false;
				for (unsigned j = 0; j < r->noperands; j++)
					bound |= r->operands[j].tvar == o->tvar;
				assert_true(bound);
			}
		}
		for (unsigned k = 0; k < r->noperands; k++) {
			const OpOperandInfo *o = &r->operands[k];
			assert_non_null(o->name);
			assert_non_null(o->rank_text);
			assert_non_null(opnd_kind_name(o->kind));
			assert_non_null(op_tvar_name(o->tvar));
			assert_true(o->dtypes != 0 && (o->dtypes & ~DTM_ALL) == 0);
			assert_true(o->rank_max == OP_RANK_UNBOUNDED || o->rank_max >= o->rank_min);
			if (o->def)
				assert_true(o->optional);
			if (o->rank_same_as)
				assert_non_null(op_info_operand(r, o->rank_same_as));
			assert_int_equal(op_info_operand_index(r, o->name), (int)k);
		}
		if (i + 1 < n) {
			const OpInfo *next = op_catalogue_row(i + 1);
			int c = strcmp(r->name, next->name);
			assert_true(c <= 0);
			if (c == 0) {
				assert_int_equal(r->id, next->id);
				assert_true(r->since < next->since);
				assert_int_equal(op_info_until(r), next->since - 1);
			} else {
				assert_int_equal(next->id, r->id + 1);
				assert_int_equal(op_info_until(r), OPSET_NEWEST);
			}
		}
	}
	for (int id = 0; id < OPID_COUNT; id++) {
		const OpInfo *first = op_catalogue_first(op_id_name((OpId)id));
		assert_non_null(first);
		assert_int_equal(first->id, id);
	}
	/* Every rule names itself and is used by some row. */
	for (int rule = 0; rule < RULE_COUNT; rule++) {
		assert_non_null(infer_rule_name((InferRule)rule));
		bool used = false;
		for (size_t i = 0; i < n; i++)
			used |= op_catalogue_row(i)->rule == (InferRule)rule;
		if (!used)
			fail_msg("rule %s is used by no row", infer_rule_name((InferRule)rule));
	}
	assert_null(infer_rule_name(RULE_COUNT));
	assert_null(op_id_name(OPID_COUNT));
	assert_string_equal(op_tvar_name(TV_SrcT), "SrcT");
	assert_string_equal(opnd_kind_name(OPND_CONST), "const");
}

/* The lists of opsets.md: new ops and ops re-versioned at each opset. */
static const char *const new_ios16[] = {
	"constexpr_affine_dequantize", "constexpr_cast", "constexpr_lut_to_dense",
	"constexpr_sparse_to_dense", "fill_like", "pixel_unshuffle", "reshape_like",
};
static const char *const changed_ios16[] = {
	"crop_resize", "gather", "gather_along_axis", "gather_nd", "resample", "topk",
	"upsample_bilinear",
};
static const char *const new_ios17[] = { "dequantize", "quantize", "resize" };
static const char *const changed_ios17[] = {
	"batch_norm", "cast", "clamped_relu", "clip", "conv", "conv_transpose", "crop_resize",
	"elu", "expand_dims", "gather", "gather_along_axis", "gather_nd", "gru",
	"instance_norm", "inverse", "l2_norm", "layer_norm", "leaky_relu", "linear",
	"linear_activation", "local_response_norm", "log", "lstm", "matmul",
	"non_maximum_suppression", "prelu", "reduce_argmax", "reduce_argmin", "resample",
	"reshape", "reshape_like", "reverse", "reverse_sequence", "rnn", "rsqrt",
	"scaled_tanh", "scatter", "scatter_along_axis", "scatter_nd", "sigmoid_hard",
	"slice_by_index", "slice_by_size", "sliding_windows", "softplus_parametric",
	"squeeze", "thresholded_relu", "topk", "transpose",
};
static const char *const new_ios18[] = {
	"constexpr_blockwise_shift_scale", "constexpr_lut_to_sparse",
	"constexpr_sparse_blockwise_shift_scale", "read_state",
	"scaled_dot_product_attention", "slice_update", "write_state",
};
static const char *const changed_ios18[] = {
	"constexpr_cast", "constexpr_lut_to_dense", "constexpr_sparse_to_dense", "gru",
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

static void check_opset_lists(int level, const char *const *news, size_t nnew,
                              const char *const *changed, size_t nchanged)
{
	size_t got_new = 0, got_changed = 0;
	for (size_t i = 0; i < op_catalogue_nrows(); i++) {
		const OpInfo *r = op_catalogue_row(i);
		if (r->since != level)
			continue;
		bool is_first = op_catalogue_first(r->name) == r;
		if (is_first) {
			if (!in_list(r->name, news, nnew))
				fail_msg("%s new at %d, not in opsets.md", r->name, level);
			got_new++;
		} else {
			if (!in_list(r->name, changed, nchanged))
				fail_msg("%s re-versioned at %d, not in opsets.md", r->name, level);
			got_changed++;
		}
	}
	assert_int_equal(got_new, nnew);
	assert_int_equal(got_changed, nchanged);
}

static void test_op_catalogue_versions_match_opsets_md(void **state)
{
	(void)state;
	check_opset_lists(OPSET_IOS16, new_ios16, countof(new_ios16), changed_ios16,
	                  countof(changed_ios16));
	check_opset_lists(OPSET_IOS17, new_ios17, countof(new_ios17), changed_ios17,
	                  countof(changed_ios17));
	check_opset_lists(OPSET_IOS18, new_ios18, countof(new_ios18), changed_ios18,
	                  countof(changed_ios18));
	/* Nothing is defined at iOS26: it resolves to the iOS18 rows. */
	for (size_t i = 0; i < op_catalogue_nrows(); i++)
		assert_true(op_catalogue_row(i)->since <= OPSET_IOS18);
}

/* opsets.md "Signature changes": gather at iOS15, iOS16 and iOS17. */
static void test_op_catalogue_gather_versions(void **state)
{
	(void)state;
	const OpInfo *g15 = must("gather", OPSET_IOS15);
	const OpInfo *g16 = must("gather", OPSET_IOS16);
	const OpInfo *g17 = must("gather", OPSET_IOS17);
	assert_int_equal(g15->since, OPSET_IOS15);
	assert_int_equal(g16->since, OPSET_IOS16);
	assert_int_equal(g17->since, OPSET_IOS17);
	assert_ptr_not_equal(g15, g16);
	assert_ptr_not_equal(g16, g17);
	assert_ptr_equal(must("gather", OPSET_IOS18), g17);
	assert_ptr_equal(must("gather", OPSET_IOS26), g17);
	assert_ptr_equal(must("gather", 40), g17);      /* a future opset */
	assert_null(op_catalogue_lookup("gather", 14));
	assert_int_equal(op_info_until(g15), OPSET_IOS15);
	assert_int_equal(op_info_until(g16), OPSET_IOS16);
	assert_int_equal(op_info_until(g17), OPSET_NEWEST);

	/* iOS15: x, indices int32, axis. */
	assert_int_equal(g15->noperands, 3);
	assert_null(op_info_operand(g15, "batch_dims"));
	assert_int_equal(operand(g15, "indices")->dtypes, DTM(INT32));
	/* iOS16: indices int16/uint16/int32 (type var I); batch_dims default 0. */
	assert_int_equal(g16->noperands, 4);
	assert_int_equal(operand(g16, "indices")->dtypes, DTM(INT16) | DTM(UINT16) | DTM(INT32));
	assert_int_equal(operand(g16, "indices")->tvar, TV_I);
	assert_true(operand(g16, "batch_dims")->optional);
	assert_string_equal(operand(g16, "batch_dims")->def, "0");
	assert_null(op_info_operand(g16, "validate_indices"));
	assert_false(operand(g16, "x")->dtypes & DTM(INT8));
	/* iOS17: x adds 8/16-bit ints, indices add int8/uint8, validate_indices. */
	assert_true(operand(g17, "x")->dtypes & DTM(INT8));
	assert_true(operand(g17, "x")->dtypes & DTM(UINT16));
	assert_true(operand(g17, "indices")->dtypes & DTM(UINT8));
	assert_string_equal(operand(g17, "validate_indices")->def, "False");
	assert_int_equal(g15->rule, RULE_GATHER);
	assert_int_equal(g17->rule, RULE_GATHER);
	assert_int_equal(g17->id, OPID_gather);
	assert_ptr_equal(op_catalogue_by_id(OPID_gather, OPSET_IOS16), g16);
}

/* Ops that appear at a later opset are absent before it. */
static void test_op_catalogue_introduced_later(void **state)
{
	(void)state;
	assert_null(op_catalogue_lookup("read_state", OPSET_IOS17));
	assert_non_null(op_catalogue_lookup("read_state", OPSET_IOS18));
	assert_non_null(op_catalogue_lookup("write_state", OPSET_IOS26));
	assert_null(op_catalogue_lookup("resize", OPSET_IOS16));
	assert_non_null(op_catalogue_lookup("resize", OPSET_IOS17));
	assert_null(op_catalogue_lookup("pixel_unshuffle", OPSET_IOS15));
	assert_non_null(op_catalogue_lookup("pixel_unshuffle", OPSET_IOS16));
	assert_null(op_catalogue_lookup("scaled_dot_product_attention", OPSET_IOS17));
	/* op_catalogue_first tells "needs a newer opset" from "unknown". */
	assert_int_equal(op_catalogue_first("read_state")->since, OPSET_IOS18);
	assert_int_equal(op_catalogue_first("gather")->since, OPSET_IOS15);
	assert_null(op_catalogue_first("no_such_op"));
}

static void test_op_catalogue_unknown_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < countof(levels); i++) {
		assert_null(op_catalogue_lookup("no_such_op", levels[i]));
		assert_null(op_catalogue_lookup("", levels[i]));
		assert_null(op_catalogue_lookup(NULL, levels[i]));
		assert_null(op_catalogue_lookup("Conv", levels[i]));      /* case-sensitive */
		assert_null(op_catalogue_lookup("conv ", levels[i]));
		assert_null(op_catalogue_lookup("coreml_update_state", levels[i])); /* dialect */
		assert_null(op_catalogue_lookup("tensor_buffer_to_tensor", levels[i]));
	}
	/* Neighbours of real names in sort order. */
	assert_null(op_catalogue_lookup("a", OPSET_IOS18));
	assert_null(op_catalogue_lookup("zzz", OPSET_IOS18));
	assert_null(op_catalogue_lookup("con", OPSET_IOS18));
	assert_null(op_catalogue_by_id(OPID_COUNT, OPSET_IOS18));
	assert_null(op_info_operand(must("conv", OPSET_IOS18), "no_such_operand"));
	assert_null(op_info_operand(NULL, "x"));
	/* The first and last names resolve (bsearch edges). */
	assert_non_null(op_catalogue_lookup("abs", OPSET_IOS15));
	assert_non_null(op_catalogue_lookup("write_state", OPSET_IOS18));
	assert_non_null(op_catalogue_lookup("while_loop", OPSET_IOS15));
}

/* ops.md conv: operands per version. */
static void test_op_catalogue_conv_operands(void **state)
{
	(void)state;
	const OpInfo *c = must("conv", OPSET_IOS15);
	static const char *const names[] = {
		"x", "weight", "bias", "strides", "pad_type", "pad", "dilations", "groups",
	};
	assert_int_equal(c->noperands, countof(names));
	for (size_t i = 0; i < countof(names); i++)
		assert_string_equal(c->operands[i].name, names[i]);
	assert_int_equal(c->rule, RULE_CONV);
	assert_int_equal(c->nout_min, 1);
	assert_int_equal(c->nout_max, 1);
	assert_int_equal(c->outputs[0].rule, OUTDT_TVAR);
	assert_int_equal(c->outputs[0].tvar, TV_T);

	const OpOperandInfo *x = operand(c, "x");
	assert_int_equal(x->kind, OPND_TENSOR);
	assert_int_equal(x->dtypes, DTM(FP16) | DTM(FP32));
	assert_int_equal(x->tvar, TV_T);
	assert_int_equal(x->rank_min, 3);
	assert_int_equal(x->rank_max, 5);
	assert_false(x->optional);
	assert_null(x->def);

	const OpOperandInfo *w = operand(c, "weight");
	assert_string_equal(w->rank_same_as, "x");
	assert_int_equal(w->tvar, TV_T);

	const OpOperandInfo *b = operand(c, "bias");
	assert_int_equal(b->kind, OPND_CONST);
	assert_true(b->optional);
	assert_string_equal(b->def, "None");
	assert_int_equal(b->rank_min, 1);
	assert_int_equal(b->rank_max, 1);

	const OpOperandInfo *pt = operand(c, "pad_type");
	assert_true(pt->optional);
	assert_string_equal(pt->def, "\"valid\"");
	assert_int_equal(pt->dtypes, DTM(STRING));
	assert_int_equal(pt->rank_max, 0);
	assert_string_equal(operand(c, "strides")->def, "[1]*num_spatial_dims");
	assert_string_equal(operand(c, "pad")->def, "[0]*num_spatial_dims*2");
	assert_string_equal(operand(c, "groups")->def, "1");
	assert_int_equal(operand(c, "groups")->dtypes, DTM(INT32));

	/* iOS17: weight/bias dtype U independent of x; bias no longer const. */
	const OpInfo *c17 = must("conv", OPSET_IOS17);
	assert_int_equal(c17->since, OPSET_IOS17);
	assert_int_equal(operand(c17, "weight")->tvar, TV_U);
	assert_int_equal(operand(c17, "bias")->tvar, TV_U);
	assert_int_equal(operand(c17, "bias")->kind, OPND_TENSOR);
	assert_int_equal(operand(c17, "x")->tvar, TV_T);

	/* conv_transpose iOS15: weight const; pooling: pad_type required. */
	assert_int_equal(operand(must("conv_transpose", OPSET_IOS15), "weight")->kind, OPND_CONST);
	assert_int_equal(operand(must("conv_transpose", OPSET_IOS17), "weight")->kind, OPND_TENSOR);
	assert_false(operand(must("avg_pool", OPSET_IOS18), "pad_type")->optional);
	assert_null(operand(must("max_pool", OPSET_IOS18), "pad_type")->def);
	assert_string_equal(operand(must("avg_pool", OPSET_IOS15), "strides")->def,
	                    "[1] * num_spatial_dims");
}

/* ops.md add / equal / logical_and / cast: dtype masks and output dtypes. */
static void test_op_catalogue_dtypes(void **state)
{
	(void)state;
	const OpInfo *add = must("add", OPSET_IOS15);
	assert_int_equal(add->noperands, 2);
	assert_int_equal(operand(add, "x")->dtypes, DTM(FP16) | DTM(FP32) | DTM(INT32));
	assert_int_equal(operand(add, "y")->dtypes, DTM(FP16) | DTM(FP32) | DTM(INT32));
	assert_int_equal(operand(add, "x")->tvar, TV_T);
	assert_int_equal(operand(add, "y")->tvar, TV_T);
	assert_int_equal(add->rule, RULE_BROADCAST_BINARY);
	assert_int_equal(add->outputs[0].rule, OUTDT_TVAR);
	assert_ptr_equal(must("add", OPSET_IOS26), add);

	const OpInfo *eq = must("equal", OPSET_IOS17);
	assert_int_equal(eq->rule, RULE_COMPARE);
	assert_int_equal(eq->outputs[0].rule, OUTDT_FIXED);
	assert_int_equal(eq->outputs[0].dt, DT_BOOL);
	assert_int_equal(operand(must("logical_and", OPSET_IOS15), "x")->dtypes, DTM(BOOL));

	const OpInfo *c15 = must("cast", OPSET_IOS15);
	const OpInfo *c17 = must("cast", OPSET_IOS17);
	assert_int_equal(c15->outputs[0].rule, OUTDT_OPERAND);
	assert_string_equal(c15->outputs[0].operand, "dtype");
	assert_false(operand(c15, "x")->dtypes & DTM(INT8));
	assert_true(operand(c17, "x")->dtypes & DTM(INT8));
	assert_true(operand(c17, "x")->dtypes & DTM(UINT16));

	/* reduce_argmax: int32, then output_dtype (default "int32") at iOS17. */
	const OpInfo *am15 = must("reduce_argmax", OPSET_IOS15);
	const OpInfo *am17 = must("reduce_argmax", OPSET_IOS17);
	assert_int_equal(am15->outputs[0].dt, DT_INT32);
	assert_int_equal(am17->outputs[0].rule, OUTDT_OPERAND);
	assert_string_equal(operand(am17, "output_dtype")->def, "\"int32\"");

	/* constexpr iOS18 sub-byte dtypes. */
	const OpInfo *lut = must("constexpr_lut_to_dense", OPSET_IOS18);
	assert_int_equal(operand(lut, "indices")->dtypes,
	                 DTM(UINT8) | DTM(UINT4) | DTM(UINT2) | DTM(UINT1) | DTM(UINT6) | DTM(UINT3));
	assert_int_equal(operand(must("pixel_unshuffle", OPSET_IOS16), "downscale_factor")->dtypes,
	                 DTM(UINT32));
	assert_int_equal(operand(must("const", OPSET_IOS15), "val")->dtypes, DTM_ALL);
}

/* Optional flags and defaults spot-checked against ops.md. */
static void test_op_catalogue_optional_operands(void **state)
{
	(void)state;
	const OpInfo *lstm = must("lstm", OPSET_IOS15);
	assert_true(operand(lstm, "weight_ih_back")->optional);
	assert_null(operand(lstm, "weight_ih_back")->def);      /* optional, no default */
	assert_false(operand(lstm, "weight_ih")->optional);
	assert_string_equal(operand(lstm, "direction")->def, "\"forward\"");
	assert_string_equal(operand(lstm, "recurrent_activation")->def, "\"sigmoid\"");
	assert_string_equal(operand(lstm, "output_sequence")->def, "False");

	const OpInfo *gru18 = must("gru", OPSET_IOS18);
	assert_true(operand(gru18, "reset_after")->optional);
	assert_true(operand(gru18, "input_bias")->optional);
	assert_null(op_info_operand(must("gru", OPSET_IOS17), "reset_after"));

	const OpInfo *up16 = must("upsample_bilinear", OPSET_IOS16);
	assert_true(operand(up16, "half_pixel_centers")->optional);
	assert_null(op_info_operand(must("upsample_bilinear", OPSET_IOS15), "half_pixel_centers"));
	assert_string_equal(operand(up16, "align_corners")->def, "True");

	const OpInfo *inv = must("inverse", OPSET_IOS17);
	assert_string_equal(operand(inv, "epsilon")->def, "x.dtype(1e-4)");
	assert_int_equal(operand(inv, "epsilon")->tvar, TV_U);
	assert_int_equal(operand(must("inverse", OPSET_IOS16), "epsilon")->tvar, TV_T);

	const OpInfo *cr17 = must("crop_resize", OPSET_IOS17);
	assert_string_equal(operand(cr17, "box_indices")->def, "list(range(boxes.shape[0]))");
	assert_int_equal(cr17->rule, RULE_CROP_RESIZE_V17);
	assert_int_equal(must("crop_resize", OPSET_IOS16)->rule, RULE_CROP_RESIZE_V15);
	assert_string_equal(operand(must("crop_resize", OPSET_IOS16), "pad_value")->def, "0.0");
	assert_null(op_info_operand(must("crop_resize", OPSET_IOS15), "pad_value"));

	const OpInfo *sp = must("split", OPSET_IOS15);
	assert_true(operand(sp, "num_splits")->optional);
	assert_true(operand(sp, "split_sizes")->optional);
	assert_false(operand(sp, "axis")->optional);
}

/* Outputs, blocks, kinds and flags of the special ops. */
static void test_op_catalogue_outputs_and_blocks(void **state)
{
	(void)state;
	const OpInfo *cond = must("cond", OPSET_IOS15);
	const OpInfo *loop = must("while_loop", OPSET_IOS15);
	assert_int_equal(cond->nblocks, 2);
	assert_int_equal(loop->nblocks, 2);
	assert_int_equal(cond->nout_max, OP_OUTS_VARIADIC);
	assert_int_equal(operand(cond, "pred")->dtypes, DTM(BOOL));
	assert_int_equal(operand(cond, "pred")->rank_max, 0);
	assert_int_equal(operand(loop, "loop_vars")->kind, OPND_TUPLE);
	assert_int_equal(must("conv", OPSET_IOS15)->nblocks, 0);

	const OpInfo *k = must("const", OPSET_IOS15);
	assert_int_equal(operand(k, "val")->kind, OPND_ATTR);
	assert_true(k->flags & OPF_CONSTEXPR);
	assert_int_equal(k->rule, RULE_CONST);

	const OpInfo *ws = must("write_state", OPSET_IOS18);
	assert_int_equal(ws->nout_max, 0);
	assert_true(ws->flags & OPF_STATEFUL);
	assert_int_equal(operand(ws, "input")->kind, OPND_STATE);
	assert_int_equal(operand(ws, "input")->tvar, operand(ws, "data")->tvar);
	const OpInfo *rs = must("read_state", OPSET_IOS18);
	assert_int_equal(rs->nout_min, 1);
	assert_int_equal(rs->outputs[0].tvar, TV_T);

	assert_int_equal(must("lstm", OPSET_IOS17)->nout_max, 3);
	assert_int_equal(must("gru", OPSET_IOS15)->nout_max, 2);
	const OpInfo *split = must("split", OPSET_IOS17);
	assert_int_equal(split->nout_min, 1);
	assert_int_equal(split->nout_max, OP_OUTS_VARIADIC);

	const OpInfo *t15 = must("topk", OPSET_IOS15), *t16 = must("topk", OPSET_IOS16);
	assert_int_equal(t15->nout_min, 2);
	assert_int_equal(t16->nout_min, 1);          /* return_indices = false */
	assert_int_equal(t16->nout_max, 2);
	assert_string_equal(operand(t16, "return_indices")->def, "True");
	assert_string_equal(must("topk", OPSET_IOS17)->outputs[1].operand, "output_indices_dtype");

	const OpInfo *nms15 = must("non_maximum_suppression", OPSET_IOS15);
	const OpInfo *nms17 = must("non_maximum_suppression", OPSET_IOS17);
	assert_int_equal(nms15->nout_max, 4);
	assert_int_equal(nms17->nout_max, 3);
	assert_non_null(op_info_operand(nms15, "score_threshold"));
	assert_null(op_info_operand(nms17, "score_threshold"));
	assert_int_equal(nms15->rule, RULE_NMS_V15);
	assert_int_equal(nms17->rule, RULE_NMS_V17);

	assert_int_equal(must("reshape", OPSET_IOS16)->rule, RULE_RESHAPE_V15);
	assert_int_equal(must("reshape", OPSET_IOS17)->rule, RULE_RESHAPE_V17);
	assert_int_equal(operand(must("classify", OPSET_IOS15), "classes")->kind, OPND_CONST_LIST);
	assert_int_equal(operand(must("identity", OPSET_IOS15), "x")->kind, OPND_VALUE);
	assert_true(must("random_normal", OPSET_IOS15)->flags & OPF_RANDOM);

	/* Constexpr operands are attributes for rows registered at iOS16/17. */
	assert_true(must("constexpr_lut_to_dense", OPSET_IOS17)->flags & OPF_ATTR_OPERANDS);
	assert_false(must("constexpr_lut_to_dense", OPSET_IOS18)->flags & OPF_ATTR_OPERANDS);
	assert_true(must("constexpr_affine_dequantize", OPSET_IOS18)->flags & OPF_ATTR_OPERANDS);
	assert_false(must("constexpr_blockwise_shift_scale", OPSET_IOS18)->flags & OPF_ATTR_OPERANDS);
	assert_non_null(op_info_operand(must("constexpr_lut_to_dense", OPSET_IOS16), "shape"));
	assert_null(op_info_operand(must("constexpr_lut_to_dense", OPSET_IOS18), "shape"));
}

static void test_op_catalogue_opset_level_spellings(void **state)
{
	(void)state;
	static const struct { const char *s; int level; } cases[] = {
		{ "ios15", OPSET_IOS15 }, { "ios16", OPSET_IOS16 }, { "ios17", OPSET_IOS17 },
		{ "ios18", OPSET_IOS18 }, { "ios26", OPSET_IOS26 },
		{ "CoreML5", OPSET_IOS15 }, { "CoreML6", OPSET_IOS16 }, { "CoreML7", OPSET_IOS17 },
		{ "CoreML8", OPSET_IOS18 }, { "CoreML9", OPSET_IOS26 },
		{ "iOS15", 0 }, { "IOS15", 0 }, { "coreml5", 0 }, { "ios14", 0 }, { "ios19", 0 },
		{ "CoreML4", 0 }, { "CoreML3", 0 }, { "CoreML10", 0 }, { "ios", 0 }, { "", 0 },
		{ "ios15 ", 0 }, { "15", 0 },
	};
	for (size_t i = 0; i < countof(cases); i++)
		if (opset_level(cases[i].s) != cases[i].level)
			fail_msg("opset_level(\"%s\") = %d, want %d", cases[i].s,
			         opset_level(cases[i].s), cases[i].level);
	assert_int_equal(opset_level(NULL), OPSET_UNKNOWN);
	assert_string_equal(opset_name(OPSET_IOS15), "ios15");
	assert_string_equal(opset_name(OPSET_IOS26), "ios26");
	assert_null(opset_name(19));
	assert_null(opset_name(0));
	for (size_t i = 0; i < countof(levels); i++)
		assert_int_equal(opset_level(opset_name(levels[i])), levels[i]);
}

/* ------------------------------------------------------------ ops.tsv */

static const struct { const char *name; DType dt; } dtype_names[] = {
#define X(e, name, bits, cls, pb) { name, e },
	DTYPE_LIST(X)
#undef X
};

/* A comma list of dtype names -> mask; "any..." -> DTM_ALL; 0 if not a list. */
static uint32_t tsv_mask(const char *s)
{
	if (strncmp(s, "any", 3) == 0)
		return DTM_ALL;
	uint32_t m = 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		bool found = false;
		for (size_t i = 0; i < countof(dtype_names); i++)
			if (strcmp(dtype_names[i].name, t) == 0) {
				m |= 1u << dtype_names[i].dt;
				found = true;
			}
		if (!found)
			return 0;
	}
	return m;
}

static int tsv_level(const char *s)
{
	/* "iOS17" -> 17 */
	return strncmp(s, "iOS", 3) == 0 ? atoi(s + 3) : 0;
}

static const char *const kind_of[] = {
	[OPND_TENSOR] = "tensor", [OPND_CONST] = "const", [OPND_TUPLE] = "tuple",
	[OPND_LIST] = "list", [OPND_CONST_LIST] = "list(const)", [OPND_STATE] = "state",
	[OPND_ATTR] = "attribute", [OPND_VALUE] = "tensor|list|dict",
};

/* Every operand row of spec/ops.tsv against the catalogue entry in force at
 * its opset: the version, kind, dtypes, type variable, optional flag and
 * default text; and the operand count of every (opset, op). */
static void test_op_catalogue_matches_ops_tsv(void **state)
{
	(void)state;
	TU_REQUIRE_SHARED();
	char path[4096];
	snprintf(path, sizeof path, "%s/spec/ops.tsv", tu_shared_dir());
	char *text = tu_read_file(path, NULL);
	if (!text) {
		print_message("SKIP: %s unreadable\n", path);
		skip();
	}
	int nrows = 0, nops = 0, cur_level = 0, cur_count = 0;
	const OpInfo *cur = NULL;
	char *save = NULL;
	char *line = strtok_r(text, "\n", &save);      /* header */
	for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[12] = { 0 };
		int nf = 0;
		for (char *p = line; nf < 12; nf++) {
			f[nf] = p;
			char *tab = strchr(p, '\t');
			if (!tab) { nf++; break; }
			*tab = 0;
			p = tab + 1;
		}
		assert_int_equal(nf, 12);
		/* opset op operand position kind dtypes type_var rank optional default
		 * introduced_in version_defined_in */
		int level = tsv_level(f[0]);
		const OpInfo *info = op_catalogue_lookup(f[1], level);
		if (!info)
			fail_msg("ops.tsv %s %s: not in the catalogue", f[0], f[1]);
		if (info != cur || level != cur_level) {
			if (cur)
				assert_int_equal(cur->noperands, cur_count);
			cur = info;
			cur_level = level;
			cur_count = 0;
			nops++;
		}
		cur_count++;
		nrows++;
		assert_int_equal(info->since, tsv_level(f[11]));
		assert_int_equal(op_catalogue_first(f[1])->since, tsv_level(f[10]));
		const OpOperandInfo *o = op_info_operand(info, f[2]);
		if (!o)
			fail_msg("ops.tsv %s %s.%s: no such operand", f[0], f[1], f[2]);
		assert_string_equal(kind_of[o->kind], f[4]);
		uint32_t m = tsv_mask(f[5]);
		if (m)
			assert_int_equal(o->dtypes, m);
		else if (strncmp(f[5], "state<", 6) != 0)
			fail_msg("ops.tsv %s %s.%s: dtypes %s", f[0], f[1], f[2], f[5]);
		if (f[6][0])
			assert_string_equal(op_tvar_name(o->tvar), f[6]);
		else if (o->kind != OPND_STATE)        /* state: T is the wrapped dtype */
			assert_int_equal(o->tvar, TV_NONE);
		assert_int_equal(o->optional, strcmp(f[8], "yes") == 0);
		if (f[9][0])
			assert_string_equal(o->def, f[9]);
		else
			assert_null(o->def);
		/* Rank text verbatim, except the cells holding two versions and the
		 * documented fixes (docs/op-catalogue.md). */
		bool fixed = (strcmp(f[1], "list_scatter") == 0 && strcmp(f[2], "value") == 0)
			|| (strcmp(f[1], "constexpr_lut_to_dense") == 0
			    && strcmp(f[2], "vector_axis") == 0);
		if (!strstr(f[7], "(iOS16) /") && !fixed)
			assert_string_equal(o->rank_text, f[7]);
	}
	if (cur)
		assert_int_equal(cur->noperands, cur_count);
	assert_int_equal(nops, 151 + 158 + 161 + 168);
	print_message("checked %d ops.tsv rows (%d op-opset pairs)\n", nrows, nops);
	free(text);
}

/* The per-op property columns (scripts/gen_op_table.py): what passes used
 * to decide by comparing kind strings. */
static void test_op_catalogue_property_columns(void **state)
{
	(void)state;
	static const char *const cmp[] = { "equal", "not_equal", "less", "less_equal",
	                                   "greater", "greater_equal" };
	for (size_t i = 0; i < countof(cmp); i++) {
		const OpInfo *info = must(cmp[i], OPSET_IOS15);
		assert_true(info->flags & OPF_COMPARISON);
		assert_true(info->flags & OPF_BROADCAST_ELEMENTWISE);
	}
	/* logical_* share COMPARE's rule but are not comparisons */
	assert_false(must("logical_and", OPSET_IOS15)->flags & OPF_COMPARISON);
	assert_true(must("relu", OPSET_IOS15)->flags & OPF_UNARY_ELEMENTWISE);
	assert_true(must("select", OPSET_IOS15)->flags & OPF_BROADCAST_ELEMENTWISE);
	/* norms share the unary shape rule but reduce */
	assert_false(must("l2_norm", OPSET_IOS15)->flags &
	             (OPF_UNARY_ELEMENTWISE | OPF_BROADCAST_ELEMENTWISE));
	assert_false(must("constexpr_cast", OPSET_IOS16)->flags & OPF_UNARY_ELEMENTWISE);
	static const char *const moves[] = { "reshape", "transpose", "concat", "split",
	                                     "slice_by_index", "slice_by_size", "gather",
	                                     "gather_nd", "squeeze", "expand_dims", "pad", "tile" };
	for (size_t i = 0; i < countof(moves); i++)
		assert_true(must(moves[i], OPSET_IOS15)->flags & OPF_DATA_MOVEMENT);
	assert_false(must("conv", OPSET_IOS15)->flags & OPF_DATA_MOVEMENT);
	assert_false(must("add", OPSET_IOS15)->flags & OPF_DATA_MOVEMENT);
	/* every version of an op keeps its cost class */
	static const struct { const char *op; OpCostClass cls; } classes[] = {
		{ "conv", OPC_CONV }, { "matmul", OPC_MATMUL }, { "linear", OPC_MATMUL },
		{ "scaled_dot_product_attention", OPC_SDPA }, { "softmax", OPC_NORM },
		{ "reduce_mean", OPC_NORM }, { "reshape", OPC_VIEW }, { "transpose", OPC_MOVE },
		{ "concat", OPC_CONCAT }, { "upsample_bilinear", OPC_RESIZE },
		{ "max_pool", OPC_POOL }, { "lstm", OPC_RNN }, { "while_loop", OPC_CONTROL },
		{ "add", OPC_ELEM }, { "relu", OPC_ELEM },
	};
	for (size_t i = 0; i < countof(classes); i++)
		for (size_t l = 0; l < countof(levels); l++) {
			const OpInfo *info = op_catalogue_lookup(classes[i].op, levels[l]);
			if (info)
				assert_int_equal(info->cost_class, classes[i].cls);
		}
	assert_string_equal(op_cost_class_name(OPC_MOVE), "data-movement");
	assert_null(op_cost_class_name(OPC_COUNT));
	/* weight operands: weight*, bias* */
	const OpInfo *conv = must("conv", OPSET_IOS17);
	assert_true(operand(conv, "weight")->is_weight);
	assert_true(operand(conv, "bias")->is_weight);
	assert_false(operand(conv, "x")->is_weight);
	assert_false(operand(conv, "strides")->is_weight);
	const OpInfo *lstm = must("lstm", OPSET_IOS15);
	assert_true(operand(lstm, "weight_ih")->is_weight);
	assert_false(operand(must("batch_norm", OPSET_IOS15), "gamma")->is_weight);
	/* const-ness */
	assert_true(must("const", OPSET_IOS15)->flags & OPF_CONSTEXPR);
	assert_true(must("constexpr_lut_to_dense", OPSET_IOS18)->flags & OPF_CONSTEXPR);
	assert_false(must("cast", OPSET_IOS15)->flags & OPF_CONSTEXPR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_op_catalogue_counts_per_opset),
		cmocka_unit_test(test_op_catalogue_table_is_well_formed),
		cmocka_unit_test(test_op_catalogue_versions_match_opsets_md),
		cmocka_unit_test(test_op_catalogue_gather_versions),
		cmocka_unit_test(test_op_catalogue_introduced_later),
		cmocka_unit_test(test_op_catalogue_unknown_names),
		cmocka_unit_test(test_op_catalogue_conv_operands),
		cmocka_unit_test(test_op_catalogue_dtypes),
		cmocka_unit_test(test_op_catalogue_optional_operands),
		cmocka_unit_test(test_op_catalogue_outputs_and_blocks),
		cmocka_unit_test(test_op_catalogue_opset_level_spellings),
		cmocka_unit_test(test_op_catalogue_matches_ops_tsv),
		cmocka_unit_test(test_op_catalogue_property_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
