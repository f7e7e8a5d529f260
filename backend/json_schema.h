/*
 * json_schema.h - a validator for the subset of JSON Schema (draft 2020-12
 * keywords) that docs/report.schema.json uses: type (a name or a list of
 * names), enum, const, anyOf, required, properties, additionalProperties (false or
 * a schema), items, minimum, maximum, minItems, $ref to "#/$defs/NAME",
 * and the annotations $schema, $id, title, description (ignored).  Any
 * other keyword is an error in the schema, so that a schema never claims
 * more than is checked.  json-c has no validator of its own.
 */
#ifndef ANELINT_BACKEND_JSON_SCHEMA_H
#define ANELINT_BACKEND_JSON_SCHEMA_H

#include <stddef.h>

#include <json-c/json.h>

/* 0 when instance conforms to schema; otherwise -1 with the first
 * problem, its JSON pointer included, in err (e.g. "/ops/3/name: required
 * property missing"). */
int json_schema_validate(json_object *schema, json_object *instance, char *err, size_t n);

#endif
