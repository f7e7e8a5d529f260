/* common.c - what the benchmarks share (common.h): the clock, the corpus,
 * the MIL text generator, fresh-process measurements and the Python
 * reference parse. */
#include "common.h"
#include "driver/pipeline.h"

#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "anelint.h"
#include "frontend/frontend.h"
#include "ir/op_catalogue.h"

/* ------------------------------------------------------------ timing */

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void bench_sort(double *t, size_t n)
{
	qsort(t, n, sizeof *t, cmp_double);
}

void bench_keep_best(double *best, double t)
{
	if (*best < 0 || t < *best)
		*best = t;
}

/* ------------------------------------------------------------ models */

uint32_t bench_module_ops(const Module *m)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->funcs.n; i++)
		n += m->funcs.v[i]->nops;
	return n;
}

Module *bench_load_model(const char *path, double *ms)
{
	DiagList dl;
	diag_init(&dl);
	double t0 = bench_now();
	Module *m = anelint_load(path, &dl);
	if (ms)
		*ms = (bench_now() - t0) * 1e3;
	diag_fini(&dl);
	return m;
}

PassCtx *bench_run_passes(Module *m, DiagList *dl, uint32_t selected)
{
	PassOptions o;
	pass_options_init(&o);
	o.selected = selected;
	PassCtx *ctx = pass_ctx_new(m, dl, &o);
	driver_run_pipeline(ctx);   /* with the reruns, as `analyze` runs it */
	return ctx;
}

BenchPasses bench_time_passes(Module *m, uint32_t selected, int reps,
                              void (*look)(const PassCtx *ctx, void *arg), void *arg)
{
	BenchPasses bp = { .ops = bench_module_ops(m) };
	double *t = calloc((size_t)reps, sizeof *t), sum[PASS_COUNT] = { 0 };
	if (!t)
		return bp;
	for (int r = 0; r < reps; r++) {
		DiagList dl;
		diag_init(&dl);
		double t0 = bench_now();
		PassCtx *ctx = bench_run_passes(m, &dl, selected);
		t[r] = bench_now() - t0;
		for (int p = 0; p < PASS_COUNT; p++)
			sum[p] += ctx->seconds[p];
		if (r == 0) {
			bp.errors = dl.nerrors;
			if (look)
				look(ctx, arg);
		}
		pass_ctx_free(ctx);
		diag_fini(&dl);
	}
	bench_sort(t, (size_t)reps);
	double n = bp.ops ? bp.ops : 1;
	bp.best = t[0] * 1e9 / n;
	bp.median = t[reps / 2] * 1e9 / n;
	for (int p = 0; p < PASS_COUNT; p++)
		bp.pass[p] = sum[p] / reps * 1e9 / n;
	free(t);
	return bp;
}

void bench_corpus_dir(char *buf, size_t n, const char *root)
{
	if (root)
		snprintf(buf, n, "%s/converted", root);
	else if (getenv("ANELINT_SHARED"))
		snprintf(buf, n, "%s/corpus/converted", getenv("ANELINT_SHARED"));
	else
		snprintf(buf, n, "%s/../shared/corpus/converted", ANELINT_SOURCE_DIR);
}

BenchModel *bench_corpus_models(const char *converted, size_t *n)
{
	*n = 0;
	char pattern[4200];
	snprintf(pattern, sizeof pattern, "%s/*/*.mlpackage", converted);
	glob_t gl;
	if (glob(pattern, 0, NULL, &gl) != 0)
		return NULL;
	BenchModel *models = calloc(gl.gl_pathc, sizeof *models);
	for (size_t i = 0; models && i < gl.gl_pathc; i++) {
		const char *path = gl.gl_pathv[i];
		BenchModel *bm = &models[(*n)++];
		snprintf(bm->path, sizeof bm->path, "%s", path);
		const char *base = strrchr(path, '/') + 1;
		snprintf(bm->name, sizeof bm->name, "%.*s", (int)(strlen(base) - strlen(".mlpackage")),
		         base);
	}
	globfree(&gl);
	return models;
}

/* ------------------------------------------------------------ generated programs */

typedef struct Gen {
	FILE *f;
	long ops, id, blocks;
	unsigned long long offset;      /* of the next blob record */
	const char *suffix;             /* of every op's name attribute */
	char x[64];                     /* the running activation */
} Gen;

#define IND "            "

static void fresh(Gen *g, char *buf, const char *stem)
{
	snprintf(buf, 64, "%s_%ld", stem, g->id++);
}

/* `type n = const()` of a literal value. */
static void konst(Gen *g, char *n, const char *stem, const char *type, const char *val)
{
	fresh(g, n, stem);
	fprintf(g->f, IND "%s %s = const()[name = string(\"%s\"), val = %s(%s)];\n", type, n, n, type,
	        val);
	g->ops++;
}

/* `type n = const()` of `bytes` in the weight file. */
static void blob(Gen *g, char *n, const char *stem, const char *type, unsigned long long bytes)
{
	fresh(g, n, stem);
	fprintf(g->f, IND "%s %s = const()[name = string(\"%s\"), val = %s(BLOBFILE(path = string("
	        "\"@model_path/weights/weight.bin\"), offset = uint64(%llu)))];\n", type, n, n, type,
	        g->offset);
	g->offset += 64 + (bytes + 63) / 64 * 64;
	g->ops++;
}

/* `type out = call` with its name attribute. */
static void op(Gen *g, char *out, const char *stem, const char *type, const char *call)
{
	fresh(g, out, stem);
	fprintf(g->f, IND "%s %s = %s[name = string(\"%s%s\")];\n", type, out, call, out, g->suffix);
	g->ops++;
}

#define ACT_TRANSFORMER "tensor<fp16, [1, 768, 1, 64]>"

/* A 1x1 conv of x, 768 -> 768 channels, every parameter a const. */
static void conv_transformer(Gen *g, const char *stem)
{
	char pt[64], st[64], pad[64], dil[64], grp[64], w[64], b[64], out[64], call[1024];
	konst(g, pt, "var_pad_type", "string", "\"valid\"");
	konst(g, st, "var_strides", "tensor<int32, [2]>", "[1, 1]");
	konst(g, pad, "var_pad", "tensor<int32, [4]>", "[0, 0, 0, 0]");
	konst(g, dil, "var_dilations", "tensor<int32, [2]>", "[1, 1]");
	konst(g, grp, "var_groups", "int32", "1");
	blob(g, w, "layers_weight_to_fp16", "tensor<fp16, [768, 768, 1, 1]>", 768 * 768 * 2);
	blob(g, b, "layers_bias_to_fp16", "tensor<fp16, [768]>", 768 * 2);
	snprintf(call, sizeof call, "conv(bias = %s, dilations = %s, groups = %s, pad = %s, "
	         "pad_type = %s, strides = %s, weight = %s, x = %s)", b, dil, grp, pad, pt, st, w, g->x);
	op(g, out, stem, ACT_TRANSFORMER, call);
	strcpy(g->x, out);
}

static void block_transformer(Gen *g)
{
	char axes[64], eps[64], res[64], sc[64], out[64], call[1024];
	strcpy(res, g->x);
	konst(g, axes, "var_axes", "tensor<int32, [1]>", "[1]");
	konst(g, eps, "var_eps_to_fp16", "fp16", "0x1.5p-17");
	snprintf(call, sizeof call, "layer_norm(axes = %s, epsilon = %s, x = %s)", axes, eps, g->x);
	op(g, out, "x_norm", ACT_TRANSFORMER, call);
	strcpy(g->x, out);
	conv_transformer(g, "q");
	konst(g, sc, "var_scale_to_fp16", "fp16", "0x1p-3");
	snprintf(call, sizeof call, "mul(x = %s, y = %s)", g->x, sc);
	op(g, out, "q_scaled", ACT_TRANSFORMER, call);
	snprintf(call, sizeof call, "softmax(axis = %s, x = %s)", axes, out);
	op(g, g->x, "attn", ACT_TRANSFORMER, call);
	conv_transformer(g, "o");
	snprintf(call, sizeof call, "add(x = %s, y = %s)", g->x, res);
	op(g, g->x, "h", ACT_TRANSFORMER, call);
	conv_transformer(g, "ff");
	snprintf(call, sizeof call, "gelu(mode = string(\"TANH_APPROXIMATION\"), x = %s)", g->x);
	op(g, g->x, "act", ACT_TRANSFORMER, call);
}

/* x [1, 64, 1, 32] -> the same shape, 27 ops. */
static void block_shapes(Gen *g)
{
	char w[64], b[64], pt[64], st[64], pad[64], dil[64], grp[64], y[64], r[64], a[64];
	char sh[64], rs[64], perm[64], t[64], lw[64], lb[64], l[64], tx[64], ty[64], m[64];
	char ax[64], sm[64], m2[64], axes[64], eps[64], ln[64], t2[64], sh2[64], call[1024];
	const char *act = "tensor<fp16, [1, 64, 1, 32]>", *x = g->x;
	blob(g, w, "w", "tensor<fp16, [64, 64, 1, 1]>", 64 * 64 * 2);
	blob(g, b, "b", "tensor<fp16, [64]>", 128);
	konst(g, pt, "pad_type", "string", "\"valid\"");
	konst(g, st, "strides", "tensor<int32, [2]>", "[1, 1]");
	konst(g, pad, "pad", "tensor<int32, [4]>", "[0, 0, 0, 0]");
	konst(g, dil, "dilations", "tensor<int32, [2]>", "[1, 1]");
	konst(g, grp, "groups", "int32", "1");
	snprintf(call, sizeof call, "conv(x = %s, weight = %s, bias = %s, strides = %s, pad_type = %s, "
	         "pad = %s, dilations = %s, groups = %s)", x, w, b, st, pt, pad, dil, grp);
	op(g, y, "conv", act, call);
	snprintf(call, sizeof call, "relu(x = %s)", y);
	op(g, r, "relu", act, call);
	snprintf(call, sizeof call, "add(x = %s, y = %s)", x, r);
	op(g, a, "add", act, call);
	konst(g, sh, "shape", "tensor<int32, [3]>", "[1, 64, 32]");
	snprintf(call, sizeof call, "reshape(x = %s, shape = %s)", a, sh);
	op(g, rs, "reshape", "tensor<fp16, [1, 64, 32]>", call);
	konst(g, perm, "perm", "tensor<int32, [3]>", "[0, 2, 1]");
	snprintf(call, sizeof call, "transpose(x = %s, perm = %s)", rs, perm);
	op(g, t, "transpose", "tensor<fp16, [1, 32, 64]>", call);
	blob(g, lw, "lw", "tensor<fp16, [64, 64]>", 64 * 64 * 2);
	blob(g, lb, "lb", "tensor<fp16, [64]>", 128);
	snprintf(call, sizeof call, "linear(x = %s, weight = %s, bias = %s)", t, lw, lb);
	op(g, l, "linear", "tensor<fp16, [1, 32, 64]>", call);
	konst(g, tx, "transpose_x", "bool", "false");
	konst(g, ty, "transpose_y", "bool", "true");
	snprintf(call, sizeof call, "matmul(x = %s, y = %s, transpose_x = %s, transpose_y = %s)", l, t,
	         tx, ty);
	op(g, m, "matmul", "tensor<fp16, [1, 32, 32]>", call);
	konst(g, ax, "axis", "int32", "-1");
	snprintf(call, sizeof call, "softmax(x = %s, axis = %s)", m, ax);
	op(g, sm, "softmax", "tensor<fp16, [1, 32, 32]>", call);
	snprintf(call, sizeof call, "matmul(x = %s, y = %s, transpose_x = %s, transpose_y = %s)", sm, l,
	         tx, tx);
	op(g, m2, "matmul", "tensor<fp16, [1, 32, 64]>", call);
	konst(g, axes, "axes", "tensor<int32, [1]>", "[-1]");
	konst(g, eps, "epsilon", "fp16", "0x1.5p-17");
	snprintf(call, sizeof call, "layer_norm(x = %s, axes = %s, epsilon = %s)", m2, axes, eps);
	op(g, ln, "layer_norm", "tensor<fp16, [1, 32, 64]>", call);
	snprintf(call, sizeof call, "transpose(x = %s, perm = %s)", ln, perm);
	op(g, t2, "transpose", "tensor<fp16, [1, 64, 32]>", call);
	konst(g, sh2, "shape", "tensor<int32, [4]>", "[1, 64, 1, 32]");
	snprintf(call, sizeof call, "reshape(x = %s, shape = %s)", t2, sh2);
	op(g, g->x, "reshape", act, call);
}

/* x [1, 128, 1, 256] -> the same shape: conv 1x1, relu, layer_norm, an
 * attention-style matmul/softmax pair, an fp32 island (refused), an int32
 * index computation feeding a gather (refused), and a residual add. */
static void block_ane(Gen *g)
{
	char w[64], c[64], r[64], ln[64], m[64], sm[64], m2[64], up[64], sw[64], dn[64], ids[64];
	char g1[64], call[1024];
	const char *act = "tensor<fp16, [1, 128, 1, 256]>", *x = g->x;
	blob(g, w, "w", "tensor<fp16, [128, 128, 1, 1]>", 128 * 128 * 2);
	snprintf(call, sizeof call, "conv(x = %s, weight = %s)", x, w);
	op(g, c, "conv", act, call);
	snprintf(call, sizeof call, "relu(x = %s)", c);
	op(g, r, "relu", act, call);
	snprintf(call, sizeof call, "layer_norm(x = %s, axes = tensor<int32, [1]>([1]))", r);
	op(g, ln, "layer_norm", act, call);
	snprintf(call, sizeof call, "matmul(x = %s, y = %s, transpose_x = bool(true))", ln, ln);
	op(g, m, "matmul", "tensor<fp16, [1, 128, 256, 256]>", call);
	snprintf(call, sizeof call, "softmax(x = %s, axis = int32(-1))", m);
	op(g, sm, "softmax", "tensor<fp16, [1, 128, 256, 256]>", call);
	snprintf(call, sizeof call, "matmul(x = %s, y = %s, transpose_y = bool(true))", ln, sm);
	op(g, m2, "matmul", act, call);
	if (g->blocks++ % 4 == 3) {
		/* every fourth block: an fp32 island and an int32 index path */
		snprintf(call, sizeof call, "cast(x = %s, dtype = string(\"fp32\"))", m2);
		op(g, up, "cast", "tensor<fp32, [1, 128, 1, 256]>", call);
		snprintf(call, sizeof call, "sigmoid(x = %s)", up);
		op(g, sw, "sigmoid", "tensor<fp32, [1, 128, 1, 256]>", call);
		snprintf(call, sizeof call, "cast(x = %s, dtype = string(\"fp16\"))", sw);
		op(g, dn, "cast", act, call);
		snprintf(call, sizeof call, "add(x = tensor<int32, [4]>([0, 1, 2, 3]), y = int32(%ld))",
		         g->id % 7);
		op(g, ids, "ids", "tensor<int32, [4]>", call);
		snprintf(call, sizeof call, "gather(x = %s, indices = %s, axis = int32(3))", dn, ids);
		op(g, g1, "gather", "tensor<fp16, [1, 128, 1, 4]>", call);
	} else {
		snprintf(call, sizeof call, "sigmoid(x = %s)", m2);
		op(g, dn, "sigmoid", act, call);
	}
	snprintf(call, sizeof call, "add(x = %s, y = %s)", x, dn);
	op(g, g->x, "add", act, call);
}

static const struct {
	const char *program;    /* up to the function's opening brace */
	const char *suffix;
	void (*block)(Gen *);
} mixes[] = {
	[BENCH_MIX_TRANSFORMER] = {
		"program(1.3)\n[buildInfo = dict<string, string>({{\"coremlc-component-MIL\", \"3600.16.1\"}, "
		"{\"coremlc-version\", \"3600.25.1\"}, {\"coremltools-version\", \"9.0\"}})]\n{\n"
		"    func main<ios18>(" ACT_TRANSFORMER " x) {\n", "_cast_fp16", block_transformer },
	[BENCH_MIX_SHAPES] = {
		"program(1.3)\n{\n    func main<ios17>(tensor<fp16, [1, 64, 1, 32]> x) {\n", "",
		block_shapes },
	[BENCH_MIX_ANE] = {
		"program(1.3)\n{\n    func main<ios17>(tensor<fp16, [1, 128, 1, 256]> x) {\n", "",
		block_ane },
};

long bench_mil_write(FILE *f, BenchMix mix, long ops)
{
	Gen g = { .f = f, .offset = 64, .suffix = mixes[mix].suffix, .x = "x" };
	fputs(mixes[mix].program, f);
	while (g.ops < ops)
		mixes[mix].block(&g);
	fprintf(f, "        } -> (%s);\n}\n", g.x);
	return g.ops;
}

Module *bench_mil_module(BenchMix mix, long ops, DiagList *dl)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	bench_mil_write(f, mix, ops);
	fclose(f);
	FILE *in = fmemopen(text, len, "r");
	Module *m = in ? fe_parse_mil_text("generated.mil", in, dl) : NULL;
	if (m)
		ir_resolve_ops(m);      /* as the loader does (anelint_load) */
	if (in)
		fclose(in);
	free(text);
	return m;
}

/* ------------------------------------------------------------ fresh processes */

BenchResult bench_measure(char *const argv[])
{
	BenchResult res = { -1, 0 };
	int fds[2];
	if (pipe(fds) != 0)
		return res;
	pid_t pid = fork();
	if (pid < 0)
		return res;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	char buf[128] = "";
	size_t got = 0;
	ssize_t k;
	while (got + 1 < sizeof buf && (k = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0)
		got += (size_t)k;
	buf[got] = 0;
	close(fds[0]);
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return res;
	res.secs = strtod(buf, NULL);
	res.rss_kb = ru.ru_maxrss;
	return res;
}

BenchResult bench_wall(char *const argv[], int reps, int ok_status)
{
	BenchResult res = { -1, 0 };
	for (int r = 0; r < reps; r++) {
		double t0 = bench_now();
		pid_t pid = fork();
		if (pid < 0)
			return (BenchResult){ -1, 0 };
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
				close(null);
			}
			execv(argv[0], argv);
			_exit(127);
		}
		int status;
		struct rusage ru;
		if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != ok_status)
			return (BenchResult){ -1, 0 };
		double t = bench_now() - t0;
		if (res.secs < 0 || t < res.secs)
			res.secs = t;
		if (ru.ru_maxrss > res.rss_kb)
			res.rss_kb = ru.ru_maxrss;
	}
	return res;
}

static const char PY_SCRIPT[] =
	"import sys, time\n"
	"sys.path.insert(0, sys.argv[1])\n"
	"import Model_pb2\n"
	"data = open(sys.argv[2], 'rb').read()\n"
	"best = 1e30\n"
	"for _ in range(int(sys.argv[3])):\n"
	"    t = time.perf_counter()\n"
	"    m = Model_pb2.Model()\n"
	"    m.ParseFromString(data)\n"
	"    best = min(best, time.perf_counter() - t)\n"
	"    del m\n"
	"print('%.9f' % best)\n";

const char *bench_python_setup(const char *dir, const char *source_dir, char *script, size_t n)
{
	char cmd[4096];
	int k = snprintf(cmd, sizeof cmd, "protoc --python_out=%s -I%s/frontend/proto "
	                 "%s/frontend/proto/*.proto 2>/dev/null", dir, source_dir, source_dir);
	if (k < 0 || (size_t)k >= sizeof cmd)
		return "path too long";
	if (system(cmd) != 0)
		return "protoc (protobuf-compiler) is missing or failed";
	if (system(BENCH_PYTHON " -c 'import google.protobuf' 2>/dev/null") != 0)
		return BENCH_PYTHON " has no google.protobuf (python3-protobuf)";
	k = snprintf(script, n, "%s/parse.py", dir);
	if (k < 0 || (size_t)k >= n)
		return "path too long";
	FILE *f = fopen(script, "w");
	if (!f)
		return "cannot write the script";
	fputs(PY_SCRIPT, f);
	fclose(f);
	return NULL;
}

BenchResult bench_python_parse(const char *dir, const char *script, const char *mlmodel, int reps)
{
	char r[16];
	snprintf(r, sizeof r, "%d", reps);
	char *argv[] = { BENCH_PYTHON, (char *)script, (char *)dir, (char *)mlmodel, r, NULL };
	return bench_measure(argv);
}
