/* test_types.c - dtype traits, interned types, stored float formats. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "ir/ir.h"

static void test_types_dtype_table(void **state)
{
	assert_int_equal(dtype_from_name("fp16", 4), DT_FP16);
	assert_int_equal(dtype_from_name("uint6", 5), DT_UINT6);
	assert_int_equal(dtype_from_name("fp17", 4), DT_COUNT);
	assert_int_equal(dtype_from_name("fp1", 3), DT_COUNT);
	/* MIL.proto DataType numbers (spec/protobuf.md §3). */
	assert_int_equal(dtype_info[DT_FP32].pb, 11);
	assert_int_equal(dtype_info[DT_INT4].pb, 25);
	assert_int_equal(dtype_info[DT_FP8E5M2].pb, 41);
	assert_int_equal(dtype_from_pb(23), DT_INT32);
	assert_int_equal(dtype_from_pb(99), DT_COUNT);
	assert_int_equal(dtype_info[DT_FP16].elem_size, 2);
	assert_int_equal(dtype_info[DT_UINT3].elem_size, 1);
	assert_int_equal(dtype_info[DT_UINT3].bits, 3);
	assert_true(dtype_is_float(DT_BF16));
	assert_true(dtype_is_int(DT_UINT1));
	assert_false(dtype_is_int(DT_BOOL));
}

static void test_types_interning(void **state)
{
	Arena *a = arena_new();
	TypeTable *t = type_table_new(a);
	Dim d1[] = { dim_const(1), dim_unknown(), { DIM_SYM, 0, type_intern_sym(t, "is0", 3) } };
	Dim d2[] = { dim_const(1), dim_unknown(), { DIM_SYM, 0, type_intern_sym(t, "is0", 3) } };
	const Type *x = type_tensor(t, DT_FP16, 3, d1);
	const Type *y = type_tensor(t, DT_FP16, 3, d2);
	assert_ptr_equal(x, y);
	assert_ptr_not_equal(x, type_tensor(t, DT_FP32, 3, d1));
	d2[0] = dim_const(2);
	assert_ptr_not_equal(x, type_tensor(t, DT_FP16, 3, d2));
	assert_ptr_equal(type_scalar(t, DT_INT32), type_tensor(t, DT_INT32, 0, NULL));
	const Type *l = type_list(t, x, dim_unknown());
	assert_ptr_equal(l, type_list(t, y, dim_unknown()));
	assert_ptr_not_equal(l, type_list(t, x, dim_const(4)));
	const Type *el[] = { x, l };
	assert_ptr_equal(type_tuple(t, 2, el), type_tuple(t, 2, el));
	assert_ptr_equal(type_dict(t, x, l), type_dict(t, y, l));
	assert_ptr_equal(type_state(t, x), type_state(t, y));
	/* Many distinct types force the table to grow; all stay unique. */
	const Type *seen[2000];
	for (int i = 0; i < 2000; i++) {
		Dim d = dim_const(i);
		seen[i] = type_tensor(t, DT_FP32, 1, &d);
	}
	for (int i = 0; i < 2000; i++) {
		Dim d = dim_const(i);
		assert_ptr_equal(seen[i], type_tensor(t, DT_FP32, 1, &d));
	}
	assert_int_equal(type_numel(x), -1);
	Dim big[] = { dim_const(INT64_MAX / 2), dim_const(4) };
	assert_int_equal(type_numel(type_tensor(t, DT_FP32, 2, big)), -1);   /* overflow */
	Dim ok[] = { dim_const(3), dim_const(4) };
	assert_int_equal(type_numel(type_tensor(t, DT_FP32, 2, ok)), 12);
	type_table_free(t);
	arena_free(a);
}

static void test_types_fp16_conversion(void **state)
{
	assert_int_equal(fp16_from_f64(1.0), 0x3c00);
	assert_int_equal(fp16_from_f64(-2.0), 0xc000);
	assert_int_equal(fp16_from_f64(65504.0), 0x7bff);
	assert_int_equal(fp16_from_f64(65520.0), 0x7c00);         /* rounds to inf */
	assert_int_equal(fp16_from_f64(ldexp(1, -24)), 0x0001);   /* smallest subnormal */
	assert_int_equal(fp16_from_f64(ldexp(1, -25)), 0x0000);   /* ties to even: 0 */
	assert_int_equal(fp16_from_f64(ldexp(3, -26)), 0x0001);
	assert_int_equal(fp16_from_f64(0x1.ff8p-15), 0x03ff);          /* largest subnormal */
	assert_int_equal(fp16_from_f64(1.0 + ldexp(1, -11)), 0x3c00);  /* tie to even */
	assert_int_equal(fp16_from_f64(1.0 + ldexp(3, -11)), 0x3c02);
	assert_true(fp16_to_f64(0x7c00) == INFINITY);
	assert_true(isnan(fp16_to_f64(0x7e00)));
	for (uint32_t h = 0; h < 0x7c00; h++)   /* every finite value round-trips */
		assert_int_equal(fp16_from_f64(fp16_to_f64((uint16_t)h)), h);
	assert_int_equal(bf16_from_f64(1.0), 0x3f80);
	assert_true(bf16_to_f64(0x4049) == 3.140625);
	assert_int_equal(fp8e4m3fn_from_f64(448.0), 0x7e);
	assert_int_equal(fp8e4m3fn_from_f64(1000.0), 0x7f);        /* NaN: no infinity */
	assert_true(fp8e4m3fn_to_f64(0x38) == 1.0);
	assert_int_equal(fp8e5m2_from_f64(1.0), 0x3c);
	assert_true(fp8e5m2_to_f64(0x7b) == 57344.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types_dtype_table),
		cmocka_unit_test(test_types_interning),
		cmocka_unit_test(test_types_fp16_conversion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
