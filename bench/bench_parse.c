/* bench_parse.c - MIL text frontend throughput and memory.
 *
 *   bench_parse [OPS] [FILE]
 *
 * Writes a generated program of at least OPS ops (default 110,000; about 22 MB)
 * to FILE (default a temporary file), then parses it and builds the IR in a
 * child process, five times, and prints the parse + IR build throughput in
 * MB/s (best and median) and the child's peak RSS next to the file size.
 * Targets (issue "Foundation"): at least 100 MB/s, peak RSS at most 3x the
 * file size.  Prints figures only; asserts nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frontend/frontend.h"

/* What Apple's converter writes for a transformer in the ANE layout
 * (B, C, 1, S): every parameter its own named const op, weights of ten or
 * more elements in the blob file, scalars in the new syntax. */
typedef struct Gen {
	FILE *f;
	long ops, id;
	uint64_t offset;
	char x[64];             /* the running activation */
} Gen;

#define S "            "
#define ACT "tensor<fp16, [1, 768, 1, 64]>"

static const char *fresh(Gen *g, char *buf, const char *stem)
{
	snprintf(buf, 64, "%s_%ld", stem, g->id++);
	return buf;
}

static void konst(Gen *g, char *name, const char *stem, const char *type, const char *val)
{
	fresh(g, name, stem);
	fprintf(g->f, S "%s %s = const()[name = string(\"%s\"), val = %s(%s)];\n", type, name, name, type, val);
	g->ops++;
}

static void blob(Gen *g, char *name, const char *stem, const char *type, uint64_t bytes)
{
	fresh(g, name, stem);
	fprintf(g->f, S "%s %s = const()[name = string(\"%s\"), val = %s(BLOBFILE(path = string("
	        "\"@model_path/weights/weight.bin\"), offset = uint64(%llu)))];\n",
	        type, name, name, type, (unsigned long long)g->offset);
	g->offset += 64 + ((bytes + 63) / 64) * 64;
	g->ops++;
}

static void conv(Gen *g, const char *stem)
{
	char pt[64], st[64], pad[64], dil[64], grp[64], w[64], b[64], out[64];
	konst(g, pt, "var_pad_type", "string", "\"valid\"");
	konst(g, st, "var_strides", "tensor<int32, [2]>", "[1, 1]");
	konst(g, pad, "var_pad", "tensor<int32, [4]>", "[0, 0, 0, 0]");
	konst(g, dil, "var_dilations", "tensor<int32, [2]>", "[1, 1]");
	konst(g, grp, "var_groups", "int32", "1");
	blob(g, w, "layers_weight_to_fp16", "tensor<fp16, [768, 768, 1, 1]>", 768 * 768 * 2);
	blob(g, b, "layers_bias_to_fp16", "tensor<fp16, [768]>", 768 * 2);
	fresh(g, out, stem);
	fprintf(g->f, S ACT " %s = conv(bias = %s, dilations = %s, groups = %s, pad = %s, pad_type = %s, "
	        "strides = %s, weight = %s, x = %s)[name = string(\"%s_cast_fp16\")];\n",
	        out, b, dil, grp, pad, pt, st, w, g->x, out);
	g->ops++;
	strcpy(g->x, out);
}

static void layer(Gen *g)
{
	char axes[64], eps[64], out[64], res[64], sc[64];
	strcpy(res, g->x);
	konst(g, axes, "var_axes", "tensor<int32, [1]>", "[1]");
	konst(g, eps, "var_eps_to_fp16", "fp16", "0x1.5p-17");
	fresh(g, out, "x_norm");
	fprintf(g->f, S ACT " %s = layer_norm(axes = %s, epsilon = %s, x = %s)[name = string(\"%s_cast_fp16\")];\n",
	        out, axes, eps, g->x, out);
	g->ops++;
	strcpy(g->x, out);
	conv(g, "q");
	konst(g, sc, "var_scale_to_fp16", "fp16", "0x1p-3");
	fresh(g, out, "q_scaled");
	fprintf(g->f, S ACT " %s = mul(x = %s, y = %s)[name = string(\"%s_cast_fp16\")];\n", out, g->x, sc, out);
	g->ops++;
	strcpy(g->x, out);
	fresh(g, out, "attn");
	fprintf(g->f, S ACT " %s = softmax(axis = %s, x = %s)[name = string(\"%s_cast_fp16\")];\n",
	        out, axes, g->x, out);
	g->ops++;
	strcpy(g->x, out);
	conv(g, "o");
	fresh(g, out, "h");
	fprintf(g->f, S ACT " %s = add(x = %s, y = %s)[name = string(\"%s_cast_fp16\")];\n", out, g->x, res, out);
	g->ops++;
	strcpy(g->x, out);
	conv(g, "ff");
	fresh(g, out, "act");
	fprintf(g->f, S ACT " %s = gelu(mode = string(\"TANH_APPROXIMATION\"), x = %s)[name = string(\"%s_cast_fp16\")];\n",
	        out, g->x, out);
	g->ops++;
	strcpy(g->x, out);
}

static void generate(FILE *f, long ops)
{
	Gen g = { .f = f, .offset = 64 };
	fprintf(f, "program(1.3)\n[buildInfo = dict<string, string>({{\"coremlc-component-MIL\", \"3600.16.1\"}, "
	           "{\"coremlc-version\", \"3600.25.1\"}, {\"coremltools-version\", \"9.0\"}})]\n{\n");
	fprintf(f, "    func main<ios18>(" ACT " x) {\n");
	strcpy(g.x, "x");
	while (g.ops < ops)
		layer(&g);
	fprintf(f, "        } -> (%s);\n}\n", g.x);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Parse in a child so that its peak RSS is the frontend's alone. */
static int run_child(const char *path, double *secs, long *maxrss_kb, unsigned *ops)
{
	int pipefd[2];
	if (pipe(pipefd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		DiagList dl;
		diag_init(&dl);
		double t0 = now();
		FILE *in = fopen(path, "r");
		Module *m = in ? fe_parse_mil_text(path, in, &dl) : NULL;
		double t = now() - t0;
		if (in)
			fclose(in);
		unsigned n = m ? m->funcs.v[0]->nops : 0;
		if (!m)
			diag_print_all(&dl, stderr);
		if (write(pipefd[1], &t, sizeof t) != sizeof t || write(pipefd[1], &n, sizeof n) != sizeof n)
			_exit(3);
		ir_module_free(m);
		diag_fini(&dl);
		_exit(m ? 0 : 2);
	}
	close(pipefd[1]);
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	if (read(pipefd[0], secs, sizeof *secs) != sizeof *secs || read(pipefd[0], ops, sizeof *ops) != sizeof *ops)
		return -1;
	close(pipefd[0]);
	*maxrss_kb = ru.ru_maxrss;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long ops = argc > 1 ? atol(argv[1]) : 110000;
	char tmpl[] = "/tmp/anelint-bench-XXXXXX.mil";
	const char *path = argc > 2 ? argv[2] : NULL;
	if (!path) {
		int fd = mkstemps(tmpl, 4);
		if (fd < 0)
			return 1;
		close(fd);
		path = tmpl;
	}
	FILE *f = fopen(path, "w");
	if (!f)
		return 1;
	generate(f, ops);
	fclose(f);
	struct stat st;
	stat(path, &st);
	double mb = st.st_size / 1e6;

	enum { RUNS = 5 };
	double t[RUNS];
	long rss = 0;
	unsigned nops = 0;
	for (int r = 0; r < RUNS; r++) {
		long k;
		if (run_child(path, &t[r], &k, &nops) != 0) {
			fprintf(stderr, "bench_parse: parse failed\n");
			return 1;
		}
		if (k > rss)
			rss = k;
	}
	qsort(t, RUNS, sizeof *t, cmp_double);
	printf("bench_parse: %u ops, %.1f MB of MIL text (%s)\n", nops, mb, path);
	printf("  parse + IR build: best %.1f ms = %.0f MB/s, median %.1f ms = %.0f MB/s  (target >= 100 MB/s)\n",
	       t[0] * 1e3, mb / t[0], t[RUNS / 2] * 1e3, mb / t[RUNS / 2]);
	printf("  peak RSS: %.1f MB = %.2fx the file size  (target <= 3x)\n", rss / 1024.0,
	       rss * 1024.0 / st.st_size);
	if (argc <= 2)
		unlink(path);
	return 0;
}
