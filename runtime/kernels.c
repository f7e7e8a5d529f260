/*
 * kernels.c - the dispatch table: one row per op id that has a kernel on
 * the cpu device (ggml's forward switch, as data).  An op id with no row
 * is refused at load (program.c).  docs/runtime.md lists these rows.
 */
#include "runtime/rt_int.h"

static const RtKernel kernel_table[OPID_COUNT] = {
	/* elementwise.c: unary math */
	[OPID_abs] = rt_exec_unary, [OPID_acos] = rt_exec_unary, [OPID_asin] = rt_exec_unary,
	[OPID_atan] = rt_exec_unary, [OPID_atanh] = rt_exec_unary, [OPID_ceil] = rt_exec_unary,
	[OPID_cos] = rt_exec_unary, [OPID_cosh] = rt_exec_unary, [OPID_erf] = rt_exec_unary,
	[OPID_exp] = rt_exec_unary, [OPID_exp2] = rt_exec_unary, [OPID_floor] = rt_exec_unary,
	[OPID_inverse] = rt_exec_unary, [OPID_log] = rt_exec_unary,
	[OPID_logical_not] = rt_exec_unary, [OPID_round] = rt_exec_unary,
	[OPID_rsqrt] = rt_exec_unary, [OPID_sign] = rt_exec_unary, [OPID_sin] = rt_exec_unary,
	[OPID_sinh] = rt_exec_unary, [OPID_sqrt] = rt_exec_unary, [OPID_square] = rt_exec_unary,
	[OPID_tan] = rt_exec_unary, [OPID_tanh] = rt_exec_unary, [OPID_threshold] = rt_exec_unary,
	[OPID_clip] = rt_exec_unary,
	/* elementwise.c: broadcasting binary */
	[OPID_add] = rt_exec_binary, [OPID_sub] = rt_exec_binary, [OPID_mul] = rt_exec_binary,
	[OPID_real_div] = rt_exec_binary, [OPID_floor_div] = rt_exec_binary,
	[OPID_mod] = rt_exec_binary, [OPID_pow] = rt_exec_binary,
	[OPID_maximum] = rt_exec_binary, [OPID_minimum] = rt_exec_binary,
	[OPID_equal] = rt_exec_binary, [OPID_not_equal] = rt_exec_binary,
	[OPID_greater] = rt_exec_binary, [OPID_greater_equal] = rt_exec_binary,
	[OPID_less] = rt_exec_binary, [OPID_less_equal] = rt_exec_binary,
	[OPID_logical_and] = rt_exec_binary, [OPID_logical_or] = rt_exec_binary,
	[OPID_logical_xor] = rt_exec_binary,
	[OPID_cast] = rt_exec_cast, [OPID_select] = rt_exec_select,
	/* activation.c */
	[OPID_relu] = rt_exec_activation, [OPID_relu6] = rt_exec_activation,
	[OPID_sigmoid] = rt_exec_activation, [OPID_sigmoid_hard] = rt_exec_activation,
	[OPID_silu] = rt_exec_activation, [OPID_gelu] = rt_exec_activation,
	[OPID_elu] = rt_exec_activation, [OPID_leaky_relu] = rt_exec_activation,
	[OPID_softplus] = rt_exec_activation, [OPID_softsign] = rt_exec_activation,
	[OPID_thresholded_relu] = rt_exec_activation, [OPID_clamped_relu] = rt_exec_activation,
	[OPID_scaled_tanh] = rt_exec_activation, [OPID_linear_activation] = rt_exec_activation,
	[OPID_softmax] = rt_exec_softmax,
	/* reduce.c */
	[OPID_reduce_sum] = rt_exec_reduce, [OPID_reduce_mean] = rt_exec_reduce,
	[OPID_reduce_max] = rt_exec_reduce, [OPID_reduce_min] = rt_exec_reduce,
	[OPID_reduce_prod] = rt_exec_reduce, [OPID_reduce_sum_square] = rt_exec_reduce,
	[OPID_reduce_l1_norm] = rt_exec_reduce, [OPID_reduce_l2_norm] = rt_exec_reduce,
	[OPID_reduce_log_sum] = rt_exec_reduce, [OPID_reduce_log_sum_exp] = rt_exec_reduce,
	/* conv.c, pool.c, matmul.c, norm.c */
	[OPID_conv] = rt_exec_conv,
	[OPID_max_pool] = rt_exec_pool, [OPID_avg_pool] = rt_exec_pool,
	[OPID_linear] = rt_exec_linear, [OPID_matmul] = rt_exec_matmul,
	[OPID_layer_norm] = rt_exec_layer_norm, [OPID_batch_norm] = rt_exec_batch_norm,
	/* shape.c */
	[OPID_reshape] = rt_exec_reshape, [OPID_expand_dims] = rt_exec_reshape,
	[OPID_squeeze] = rt_exec_reshape, [OPID_transpose] = rt_exec_transpose,
	[OPID_concat] = rt_exec_concat, [OPID_split] = rt_exec_split,
	[OPID_slice_by_index] = rt_exec_slice_by_index, [OPID_tile] = rt_exec_tile,
	[OPID_stack] = rt_exec_stack, [OPID_identity] = rt_exec_identity,
	[OPID_shape] = rt_exec_shape,
	/* gather.c */
	[OPID_gather] = rt_exec_gather, [OPID_gather_along_axis] = rt_exec_gather_along_axis,
	[OPID_slice_update] = rt_exec_slice_update, [OPID_gather_nd] = rt_exec_gather_nd,
	[OPID_scatter] = rt_exec_scatter, [OPID_scatter_along_axis] = rt_exec_scatter_along_axis,
	[OPID_scatter_nd] = rt_exec_scatter_nd,
	/* image.c */
	[OPID_upsample_nearest_neighbor] = rt_exec_upsample_nearest,
	/* control.c */
	[OPID_cond] = rt_exec_cond, [OPID_while_loop] = rt_exec_while_loop,
	[OPID_read_state] = rt_exec_read_state, [OPID_write_state] = rt_exec_write_state,
	/* constexpr.c: evaluated once at load */
	[OPID_const] = rt_exec_const,
	[OPID_constexpr_affine_dequantize] = rt_exec_constexpr,
	[OPID_constexpr_cast] = rt_exec_constexpr,
	[OPID_constexpr_lut_to_dense] = rt_exec_constexpr,
	[OPID_constexpr_sparse_to_dense] = rt_exec_constexpr,
	[OPID_constexpr_blockwise_shift_scale] = rt_exec_constexpr,
	[OPID_constexpr_lut_to_sparse] = rt_exec_constexpr,
	/* rnn.c */
	[OPID_lstm] = rt_exec_lstm,
	/* classify.c */
	[OPID_classify] = rt_exec_classify,
	/* layout.c */
	[OPID_pad] = rt_exec_pad, [OPID_slice_by_size] = rt_exec_slice_by_size,
	[OPID_reverse] = rt_exec_reverse, [OPID_flatten2d] = rt_exec_flatten2d,
	[OPID_depth_to_space] = rt_exec_space_depth, [OPID_space_to_depth] = rt_exec_space_depth,
	[OPID_pixel_shuffle] = rt_exec_space_depth, [OPID_pixel_unshuffle] = rt_exec_space_depth,
	/* image.c, reduce.c, generate.c, norm.c, activation.c, attention.c */
	[OPID_resize_nearest_neighbor] = rt_exec_resize_nearest,
	[OPID_upsample_bilinear] = rt_exec_upsample_bilinear,
	[OPID_reduce_argmax] = rt_exec_arg_reduce, [OPID_reduce_argmin] = rt_exec_arg_reduce,
	[OPID_fill] = rt_exec_fill, [OPID_fill_like] = rt_exec_fill_like,
	[OPID_range_1d] = rt_exec_range_1d,
	[OPID_instance_norm] = rt_exec_instance_norm, [OPID_l2_norm] = rt_exec_l2_norm,
	[OPID_prelu] = rt_exec_prelu,
	[OPID_scaled_dot_product_attention] = rt_exec_sdpa,
};

RtKernel rt_kernel_for(OpId id)
{
	return (unsigned)id < OPID_COUNT ? kernel_table[id] : NULL;
}

bool rt_op_has_kernel(const char *name)
{
	const OpInfo *info = op_catalogue_first(name);
	return info && rt_kernel_for(info->id);
}
