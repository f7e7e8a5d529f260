/*
 * pb_wire.c - the checked reads of protobuf wire format the ML-program
 * reader shares (pb_wire.h): wire types, strings, map entries, oneofs,
 * nesting depth, with malformed bytes reported once.
 */
#include "frontend/pb_wire.h"

void pw_malformed(Dec *d)
{
	if (!d->bad && !d->quiet)
		RD_ERR(d->r, FE_E_PROTOBUF, pbr_floc(d->r), "does not decode as a Core ML model "
		       "protobuf (its ML program is truncated or malformed)");
	d->bad = true;
}

char *pw_str(Dec *d, const Field *f)
{
	return arena_strndup(d->r->a, (const char *)f->p, f->n);
}

/* Whether one more level of nesting (a block, a composite type or value)
 * would pass PBR_MAX_DEPTH; reported. */
bool pw_too_deep(Dec *d, SrcLoc loc)
{
	if (PBR_PROGRAM_DEPTH + 2 * (d->depth + 1) <= PBR_MAX_DEPTH)
		return false;
	RD_ERR(d->r, FE_E_PROTOBUF, loc, "protobuf nests messages deeper than %d levels; refused",
	       PBR_MAX_DEPTH);
	return true;
}

