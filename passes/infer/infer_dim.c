/* infer_dim.c - numpy broadcasting of one dim pair, as shape inference
 * decides it for known sizes, symbols ("is0 + 2") and unknowns.  The
 * arithmetic on dims is the IR's (ir/dim_expr.h, infer_int.h names it). */
#include "passes/infer/infer_int.h"

bool dim_broadcast(Dim a, Dim b, Dim *out)
{
	if (dim_is(a, 1)) {
		*out = b;
		return true;
	}
	if (dim_is(b, 1) || dim_same(a, b)) {
		*out = a;
		return true;
	}
	if (a.kind == DIM_CONST && b.kind == DIM_CONST)
		return false;
	/* A known size other than 1 decides: a symbol or unknown must be it
	 * (or 1) for the op to be valid. */
	if (a.kind == DIM_CONST)
		*out = a;
	else if (b.kind == DIM_CONST)
		*out = b;
	else if (a.kind == DIM_UNKNOWN)
		*out = b;
	else if (b.kind == DIM_UNKNOWN)
		*out = a;
	else
		*out = dim_unknown();   /* two different symbols: either may be 1 */
	return true;
}
