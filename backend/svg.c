/* svg.c - inline SVG and escaped text for the HTML report (svg.h). */
#include "backend/svg.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backend/emit_util.h"

void html_text(FILE *out, Arena *a, const char *s)
{
	if (!s)
		return;
	s = emit_clean_utf8(a, s, true);
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out); break;
		}
	}
}

void html_printf(FILE *out, Arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[512];
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof buf) {
		html_text(out, a, buf);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big)
		return;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	html_text(out, a, big);
	free(big);
}

const char *svg_device_fill(Device d)
{
	switch (d) {
	case DEV_ANE: return "#5fbf6a";
	case DEV_GPU: return "#6a9fd8";
	case DEV_CPU: return "#f0a050";
	default: return "#d0d0d0";
	}
}

void svg_begin(FILE *out, Arena *a, double w, double h, const char *label)
{
	fprintf(out, "<svg width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	        "aria-label=\"", w, h, w, h);
	html_text(out, a, label);
	fputs("\">\n", out);
}

void svg_end(FILE *out)
{
	fputs("</svg>\n", out);
}

void svg_rect(FILE *out, Arena *a, double x, double y, double w, double h, const char *fill,
              const char *title)
{
	fprintf(out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"", x, y,
	        w > 0 ? w : 0, h > 0 ? h : 0, fill);
	if (!title) {
		fputs("/>\n", out);
		return;
	}
	fputs("><title>", out);
	html_text(out, a, title);
	fputs("</title></rect>\n", out);
}

void svg_label(FILE *out, Arena *a, double x, double y, const char *anchor, const char *text)
{
	fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\">", x, y, anchor);
	html_text(out, a, text);
	fputs("</text>\n", out);
}

void svg_line(FILE *out, double x0, double y0, double x1, double y1, const char *stroke)
{
	fprintf(out, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\"/>\n", x0,
	        y0, x1, y1, stroke);
}

void svg_path(FILE *out, const double *xs, const double *ys, size_t n, double base,
              const char *stroke, const char *fill)
{
	if (!n)
		return;
	bool area = fill && strcmp(fill, "none") != 0;
	fputs("<polyline points=\"", out);
	if (area)
		fprintf(out, "%.2f,%.2f ", xs[0], base);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%.2f,%.2f", i ? " " : "", xs[i], ys[i]);
	if (area)
		fprintf(out, " %.2f,%.2f", xs[n - 1], base);
	fprintf(out, "\" fill=\"%s\" stroke=\"%s\"/>\n", fill ? fill : "none", stroke);
}
