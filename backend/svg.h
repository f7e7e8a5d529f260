/*
 * svg.h - inline SVG for the HTML report (backend/html.c): the few shapes
 * its charts need, written straight to a stream.  Every text a caller
 * passes is cleaned to valid UTF-8 and escaped (op names are untrusted
 * input); numbers are written with fixed decimals.  No script, no
 * external reference: the SVG is inline in the page, without an xmlns.
 */
#ifndef ANELINT_BACKEND_SVG_H
#define ANELINT_BACKEND_SVG_H

#include <stddef.h>
#include <stdio.h>

#include "ir/ir.h"
#include "passes/ane/ane.h"

/* Text for HTML or SVG content and attribute values: invalid UTF-8 and C0
 * controls become U+FFFD; & < > " ' are escaped.  NULL writes nothing.
 * `a` is scratch for the cleaned copy. */
void html_text(FILE *out, Arena *a, const char *s);
/* The same after printf formatting. */
void html_printf(FILE *out, Arena *a, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Device colours, as the DOT report's. */
const char *svg_device_fill(Device d);

/* <svg width=w height=h viewBox role="img" aria-label=label> ... </svg> */
void svg_begin(FILE *out, Arena *a, double w, double h, const char *label);
void svg_end(FILE *out);
/* A rectangle; `title` (may be NULL) becomes its tooltip. */
void svg_rect(FILE *out, Arena *a, double x, double y, double w, double h, const char *fill,
              const char *title);
/* A text label; anchor "start", "middle" or "end". */
void svg_label(FILE *out, Arena *a, double x, double y, const char *anchor, const char *text);
void svg_line(FILE *out, double x0, double y0, double x1, double y1, const char *stroke);
/* A polyline through n points; fill "none" for a line, a colour for an
 * area closed down to y = base. */
void svg_path(FILE *out, const double *xs, const double *ys, size_t n, double base,
              const char *stroke, const char *fill);

#endif
