/*
 * info.h - the `anelint info` report: what a model is, as data.
 *
 *   info_report(module)  ->  json_object tree (schema: docs/info-json.md)
 *        ├─ info_print_json   pretty JSON, keys in a fixed order
 *        └─ info_print_text   the same facts for a terminal
 *
 * The report reads only the IR and the model description (ir/,
 * ir/model_desc.h); it never reads weight files: weight bytes come from
 * the declared types of BLOBFILE literals and from inline literals.
 */
#ifndef ANELINT_BACKEND_INFO_H
#define ANELINT_BACKEND_INFO_H

#include <stdio.h>

#include <json-c/json.h>

#include "ir/ir.h"
#include "ir/model_desc.h"

/* The value of the report's "schema_version" key (docs/info-json.md). */
#define INFO_SCHEMA_VERSION 1

/* The report of module m read from `path`; `format` names the input form
 * ("mlpackage", "mil", "pymil", ...; m->desc->format wins when set).
 * The caller releases it with json_object_put. */
json_object *info_report(const Module *m, const char *path, const char *format);

void info_print_json(json_object *report, FILE *out);
void info_print_text(json_object *report, FILE *out);

#endif
