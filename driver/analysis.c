/* analysis.c - one model through load, the pipeline and its reruns, for
 * the emitters (analysis.h). */
#include "driver/analysis.h"
#include "driver/pipeline.h"
#include "anelint.h"
#include "passes/ane/ane.h"

#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static AnalysisErrorCode fail(Analysis *an, AnalysisErrorCode code, const char *message)
{
	an->error = (AnalysisError){ .code = code, .message = message,
	                             .loc = { .file = an->in.path ? an->in.path : an->m ? an->m->file : NULL } };
	return code;
}

AnalysisErrorCode analysis_load(Analysis *an, const char *path)
{
	memset(an, 0, sizeof *an);
	diag_init(&an->dl);
	an->in.path = path;
	double t0 = now();
	an->m = anelint_load_as(path, &an->dl, &an->format);
	an->seconds = now() - t0;
	if (!an->m)
		return fail(an, ANALYSIS_UNREADABLE, NULL);
	return ANALYSIS_OK;
}

AnalysisErrorCode analysis_run_passes(Analysis *an, const PassOptions *po,
                                      const char *tool_version)
{
	const char *path = an->in.path;
	uint32_t first = an->dl.d.n;
	double t0 = now();
	PassOptions o = *po;
	o.ir_verified = true;   /* anelint_load verified it */
	an->ctx = pass_ctx_new(an->m, &an->dl, &o);
	pass_run_pipeline(an->ctx);
	/* the reports need the partition whatever --passes selected */
	pass_run(an->ctx, PASS_PARTITION);
	if (!po->selected || (po->selected & PASS_BIT(FLEX)))
		pass_run(an->ctx, PASS_FLEX);
	driver_reruns(an->ctx);
	an->seconds += now() - t0;
	if (an->ctx->input_shape_errors)
		return fail(an, ANALYSIS_BAD_INPUT_SHAPE, NULL);
	if (!ane_counts(an->ctx, NULL, CU_ALL))
		return fail(an, ANALYSIS_NO_PLACEMENT, "no placement results");
	report_input_init(&an->in, an->m, an->ctx, path, an->format, tool_version);
	an->in.diag_first = first;
	return ANALYSIS_OK;
}

void analysis_fini(Analysis *an)
{
	if (an->ctx)
		pass_ctx_free(an->ctx);
	if (an->m)
		ir_module_free(an->m);
	diag_fini(&an->dl);
	memset(an, 0, sizeof *an);
}
