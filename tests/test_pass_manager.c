/* test_pass_manager.c - the pass manager: the table, requires resolution,
 * --passes, --print-before / --print-after dumps that parse back,
 * --verify-each, --time-passes, flag parsing, and the `lint` and `dump`
 * commands' use of it (exit statuses 0 / 1 / 2). */
#include "testutil.h"
#include "infer_util.h"

static const char *const good =
	"program(1.3)\n{\n    func main<ios17>(tensor<fp32, [1, 3, ?, 8]> x) {\n"
	"            tensor<fp32, [1, 3, ?, 8]> y = relu(x = x)[name = string(\"y\")];\n"
	"            tensor<fp32, [1, 3, ?, 16]> z = concat(values = (y, y), axis = int32(-1))[name = string(\"z\")];\n"
	"        } -> (z);\n}\n";

static const char *const bad =
	"program(1.3)\n{\n    func main<ios17>(tensor<int32, [2]> x) {\n"
	"            tensor<int32, [2]> y = exp(x = x)[name = string(\"y\")];\n"
	"        } -> (y);\n}\n";

static char *capture(void (*fn)(FILE *, void *), void *ctx)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);
	fn(f, ctx);
	fclose(f);
	return out;
}

static void test_pass_manager_table(void **state)
{
	(void)state;
	PassId id;
	assert_non_null(pass_find("verify", &id));
	assert_int_equal(id, PASS_VERIFY);
	assert_non_null(pass_find("infer", &id));
	assert_int_equal(id, PASS_INFER);
	assert_null(pass_find("nope", NULL));
	/* pipeline order; infer requires verify and recomputes uses */
	assert_true(PASS_VERIFY < PASS_INFER);
	assert_true(pass_table[PASS_INFER].requires & PASS_BIT(VERIFY));
	assert_true(pass_table[PASS_INFER].analyses & ANA_USES);
	for (int i = 0; i < PASS_COUNT; i++) {
		assert_non_null(pass_table[i].run);
		assert_non_null(pass_table[i].summary);
		/* a pass only requires passes before it */
		assert_int_equal(pass_table[i].requires >> i, 0);
	}
}

static void list_fn(FILE *f, void *ctx)
{
	(void)ctx;
	pass_list(f);
}

static void test_pass_manager_list(void **state)
{
	(void)state;
	char *s = capture(list_fn, NULL);
	char *v = strstr(s, "verify"), *i = strstr(s, "infer");
	assert_non_null(v);
	assert_non_null(i);
	assert_true(v < i);
	assert_non_null(strstr(s, "(requires: verify)"));
	free(s);
}

static void test_pass_manager_requires_resolution(void **state)
{
	(void)state;
	PassOptions o;
	pass_options_init(&o);
	assert_int_equal(pass_options_parse(&o, "--passes=infer", stderr), 1);
	assert_int_equal(o.selected, PASS_BIT(INFER));
	Run r;
	run_opts(&r, good, &o);
	/* verify ran first because infer requires it */
	assert_true(r.ctx->done & PASS_BIT(VERIFY));
	assert_true(r.ctx->done & PASS_BIT(INFER));
	assert_type(&r, "z", "tensor<fp32, [1, 3, is0, 16]>");
	done(&r);

	pass_options_init(&o);
	assert_int_equal(pass_options_parse(&o, "--passes=verify", stderr), 1);
	run_opts(&r, good, &o);
	assert_true(r.ctx->done & PASS_BIT(VERIFY));
	assert_false(r.ctx->done & PASS_BIT(INFER));
	assert_null(infer_value_type(r.ctx, r.m->funcs.v[0], 0));
	assert_int_equal(infer_stats(r.ctx)->ops, 0);
	done(&r);
}

static void test_pass_manager_flag_parsing(void **state)
{
	(void)state;
	PassOptions o;
	pass_options_init(&o);
	char *err = NULL;
	size_t len;
	FILE *e = open_memstream(&err, &len);
	assert_int_equal(pass_options_parse(&o, "--passes=infer,bogus", e), -1);
	assert_int_equal(pass_options_parse(&o, "--print-after", e), -1);
	assert_int_equal(pass_options_parse(&o, "--passes=", e), -1);
	assert_int_equal(pass_options_parse(&o, "-o", e), 0);
	assert_int_equal(pass_options_parse(&o, "model.mil", e), 0);
	fclose(e);
	assert_non_null(strstr(err, "--passes: no pass 'bogus' (passes: verify infer legality"));
	assert_non_null(strstr(err, "--print-after needs a value"));
	free(err);
	assert_false(pass_options_active(&o));
	assert_int_equal(pass_options_parse(&o, "--print-after=all", stderr), 1);
	assert_int_equal(o.print_after, (1u << PASS_COUNT) - 1);
	assert_int_equal(pass_options_parse(&o, "--print-before=infer", stderr), 1);
	assert_int_equal(pass_options_parse(&o, "--verify-each", stderr), 1);
	assert_int_equal(pass_options_parse(&o, "--time-passes", stderr), 1);
	assert_int_equal(pass_options_parse(&o, "--list-passes", stderr), 1);
	assert_true(o.verify_each && o.time_passes && o.list_passes);
	assert_true(pass_options_active(&o));
}

/* Split a stream of dumps at the marker lines; each part must parse. */
static int parse_dumps(const char *text)
{
	int n = 0;
	const char *p = text;
	while ((p = strstr(p, "// *** IR dump"))) {
		const char *next = strstr(p + 1, "// *** IR dump");
		size_t len = next ? (size_t)(next - p) : strlen(p);
		DiagList dl;
		diag_init(&dl);
		Module *m = tu_parse_mil("dump.mil", p, len, &dl);
		if (!m || ir_verify(m, &dl)) {
			diag_print_all(&dl, stderr);
			fail_msg("dump %d does not parse back:\n%.*s", n, (int)len, p);
		}
		ir_module_free(m);
		diag_fini(&dl);
		n++;
		p += len;
	}
	return n;
}

static void test_pass_manager_print_after_parses_back(void **state)
{
	(void)state;
	PassOptions o;
	pass_options_init(&o);
	char *out = NULL;
	size_t len;
	o.print_out = open_memstream(&out, &len);
	assert_int_equal(pass_options_parse(&o, "--print-before=infer", stderr), 1);
	assert_int_equal(pass_options_parse(&o, "--print-after=infer", stderr), 1);
	Run r;
	run_opts(&r, good, &o);
	fclose(o.print_out);
	assert_int_equal(r.ctx->nprinted, 2);
	const char *before = strstr(out, "// *** IR dump before infer ***");
	const char *after = strstr(out, "// *** IR dump after infer ***");
	assert_non_null(before);
	assert_non_null(after);
	assert_true(before < after);
	/* annotations only after the pass ran: one per op, symbolic dims shown */
	assert_true(strstr(out, "// infer:") > after);
	assert_non_null(strstr(after, "// infer: tensor<fp32, [1, 3, is0, 8]>"));
	assert_non_null(strstr(after, "// infer: tensor<fp32, [1, 3, is0, 16]>"));
	assert_int_equal(parse_dumps(out), 2);
	free(out);
	done(&r);
}

static void test_pass_manager_verify_each_and_timing(void **state)
{
	(void)state;
	PassOptions o;
	pass_options_init(&o);
	char *t = NULL;
	size_t len;
	o.time_out = open_memstream(&t, &len);
	o.verify_each = true;
	o.time_passes = true;
	Run r;
	run_opts(&r, good, &o);
	fclose(o.time_out);
	assert_int_equal(ncode(&r, "P001"), 0);
	assert_int_equal(nerrors(&r), 0);
	assert_non_null(strstr(t, "pass execution timing"));
	assert_non_null(strstr(t, "verify"));
	assert_non_null(strstr(t, "infer"));
	assert_non_null(strstr(t, "total"));
	free(t);
	done(&r);
}

static void test_pass_manager_errors_counted(void **state)
{
	(void)state;
	Run r;
	run(&r, bad);
	assert_int_equal(r.ctx->errors[PASS_INFER], 1);
	assert_int_equal(r.ctx->errors[PASS_VERIFY], 0);
	done(&r);
}

/* ------------------------------------------------------------------ CLI */

static char *write_tmp(const char *dir, const char *name, const char *text)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	assert_int_equal(tu_write_file(p, text, strlen(text)), 0);
	return p;
}

static int cli(const char *args, char **out, char **err)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s' %s", tu_bin(), args);
	return tu_run(cmd, out, err);
}

static void test_pass_manager_cli_lint(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *g = write_tmp(dir, "good.mil", good), *b = write_tmp(dir, "bad.mil", bad);
	char args[4096], *out, *err;

	snprintf(args, sizeof args, "lint '%s'", g);
	assert_int_equal(cli(args, &out, &err), 0);
	assert_non_null(strstr(err, "0 errors"));
	free(out), free(err);

	snprintf(args, sizeof args, "lint --stats '%s'", b);
	assert_int_equal(cli(args, &out, &err), 1);
	assert_non_null(strstr(out, "error[I012]: exp 'y': operand 'x' has dtype int32"));
	assert_non_null(strstr(out, "  hint: "));
	assert_non_null(strstr(out, "typed ops agree"));
	free(out), free(err);

	snprintf(args, sizeof args, "lint '%s/missing.mil'", dir);
	assert_int_equal(cli(args, &out, &err), 2);
	free(out), free(err);
	snprintf(args, sizeof args, "lint --passes=nope '%s'", g);
	assert_int_equal(cli(args, &out, &err), 2);
	assert_non_null(strstr(err, "no pass 'nope'"));
	free(out), free(err);
	assert_int_equal(cli("lint --bogus x.mil", &out, &err), 2);
	free(out), free(err);
	assert_int_equal(cli("lint --list-passes", &out, &err), 0);
	assert_non_null(strstr(out, "infer"));
	free(out), free(err);
	assert_int_equal(cli("help lint", &out, &err), 0);
	assert_non_null(strstr(out, "--print-after=P"));
	free(out), free(err);

	/* --passes=verify skips infer: the bad dtype goes unnoticed */
	snprintf(args, sizeof args, "lint --passes=verify '%s'", b);
	assert_int_equal(cli(args, &out, &err), 0);
	free(out), free(err);
	free(g), free(b), free(dir);
}

static void test_pass_manager_cli_dump(void **state)
{
	(void)state;
	char *dir = tu_tmpdir();
	char *g = write_tmp(dir, "good.mil", good);
	char args[4096], *out, *err;
	snprintf(args, sizeof args, "dump --print-after=infer --time-passes '%s'", g);
	assert_int_equal(cli(args, &out, &err), 0);
	assert_non_null(strstr(out, "// infer: tensor<fp32, [1, 3, is0, 16]>"));
	assert_non_null(strstr(err, "pass execution timing"));
	assert_int_equal(parse_dumps(out), 1);
	free(out), free(err);
	/* pass flags without --print-*: the annotated IR after the pipeline */
	snprintf(args, sizeof args, "dump --verify-each '%s'", g);
	assert_int_equal(cli(args, &out, &err), 0);
	assert_non_null(strstr(out, "// infer:"));
	free(out), free(err);
	/* no pass flag: the plain dump */
	snprintf(args, sizeof args, "dump '%s'", g);
	assert_int_equal(cli(args, &out, &err), 0);
	assert_null(strstr(out, "// infer:"));
	free(out), free(err);
	free(g), free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass_manager_table),
		cmocka_unit_test(test_pass_manager_list),
		cmocka_unit_test(test_pass_manager_requires_resolution),
		cmocka_unit_test(test_pass_manager_flag_parsing),
		cmocka_unit_test(test_pass_manager_print_after_parses_back),
		cmocka_unit_test(test_pass_manager_verify_each_and_timing),
		cmocka_unit_test(test_pass_manager_errors_counted),
		cmocka_unit_test(test_pass_manager_cli_lint),
		cmocka_unit_test(test_pass_manager_cli_dump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
