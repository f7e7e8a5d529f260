/*
 * frontend.h - the frontend's internal header: reading Core ML models into
 * the IR.
 *
 *   fe_load(path)
 *     ├─ bare MIL text (model.mil)          -> fe_parse_mil_text  (mil_text.c)
 *     ├─ coremltools' printout (pymil)      -> fe_parse_pymil_text (pymil_text.c)
 *     ├─ .mlmodel / .mlmodel.gz (protobuf)  -> fe_read_protobuf   (pb_reader.c;
 *     │                                        its ML program from the wire: pb_program.c)
 *     ├─ .mlpackage  Manifest.json -> Data/<root item path>      (bundle.c)
 *     └─ .mlmodelc   model.mil [+ modelN/], metadata.json         (bundle.c)
 *   then blob_install: weights are mapped lazily on first use     (blob.c)
 *
 * The kind is told by content, not by name.  Every problem is one
 * diagnostic with a stable code (table below) naming the offending file;
 * the loaders then return NULL.  pb_reader.c and pb_nn.c (through
 * pb_spec.h) are the only files that see the protobuf-c generated types.
 */
#ifndef ANELINT_FRONTEND_H
#define ANELINT_FRONTEND_H

#include <stdio.h>

#include "ir/ir.h"
#include "ir/model_desc.h"

/* Diagnostic codes of the frontend (E1xx; W1xx warnings).  Never reused.
 * The user-facing table, with the input forms, is docs/formats.md. */
#define FE_E_READ          "E100"  /* file or folder cannot be read */
#define FE_E_EMPTY         "E101"  /* empty file */
#define FE_E_NOT_MODEL     "E102"  /* content is no Core ML model form */
#define FE_E_PROTOBUF      "E103"  /* protobuf does not decode (truncated, garbage) */
#define FE_E_GZIP          "E104"  /* gzip stream broken or over the size cap */
#define FE_E_MANIFEST      "E110"  /* Manifest.json missing or not JSON */
#define FE_E_MANIFEST_KEY  "E111"  /* a required Manifest key missing or mistyped */
#define FE_E_UNSAFE_PATH   "E112"  /* path with "..", absolute, or symlink outside */
#define FE_E_MANIFEST_VER  "E113"  /* fileFormatVersion newer than 1.0.0 */
#define FE_E_ROOT_MISSING  "E114"  /* the root model item does not exist */
#define FE_E_MLMODELC_NN   "E120"  /* compiled neural network (no model.mil) */
#define FE_E_NOT_BUNDLE    "E121"  /* a folder that is no model bundle */
#define FE_E_METADATA      "E122"  /* metadata.json malformed */
#define FE_E_BLOB_PATH     "E130"  /* BLOBFILE path refused / unresolvable */
#define FE_E_BLOB_FILE     "E131"  /* weight file absent, unreadable or bad header */
#define FE_E_BLOB_RECORD   "E132"  /* blob record: sentinel, offset, bounds */
#define FE_E_BLOB_TYPE     "E133"  /* blob dtype / size vs declared type */
#define FE_E_MODEL         "E140"  /* model structure: no model kind, bad pipeline */
#define FE_E_VALUE_TYPE    "E141"  /* bad ValueType (dtype, rank, dimension) */
#define FE_E_IMMEDIATE     "E142"  /* immediate value does not match its type */
#define FE_E_NAME          "E143"  /* op argument names no defined value */
#define FE_E_PROGRAM       "E144"  /* function / block structure */
#define FE_W_UNSUPPORTED   "W100"  /* read, but kept opaque (e.g. unknown kind) */

/* Cap on a decompressed .mlmodel.gz and on any whole-file read. */
#define FE_MAX_FILE_BYTES ((size_t)4 << 30)

typedef enum FeFormat {
	FE_FMT_UNKNOWN,
	FE_FMT_MIL_TEXT,
	FE_FMT_PROTOBUF,
	FE_FMT_GZIP,
	FE_FMT_MLPACKAGE,
	FE_FMT_MLMODELC,
	FE_FMT_PYMIL,           /* coremltools' printed Program (pymil_text.c) */
} FeFormat;

/* "mil", "mlmodel", "mlmodel.gz", "mlpackage", "mlmodelc", "pymil", "unknown". */
const char *fe_format_name(FeFormat f);

/* Load any of the four forms.  NULL (with diagnostics) on failure. */
Module *fe_load(const char *path, DiagList *dl);
/* The same, and the form it was read as (sniffed once: fe_detect) in *form. */
Module *fe_load_as(const char *path, DiagList *dl, FeFormat *form);

/* Load a single-file model held in memory (`path` names it in messages, `dir`
 * is what @model_path stands for, `format_name` goes to ModelDesc.format).
 * The bytes are not kept. */
Module *fe_load_bytes(const char *path, const void *data, size_t n, const char *dir,
                      const char *format_name, DiagList *dl);

/* Sniff a file or folder's form by content.  For folders: a Manifest.json
 * means .mlpackage; model.mil / coremldata.bin / model0/ means .mlmodelc. */
FeFormat fe_detect(const char *path);

/* The form of a model from its first bytes (fe_detect's test; standard
 * input is told by its first block before the rest is read). */
FeFormat fe_sniff_bytes(const void *bytes, size_t n);

/* The MIL text parser (frontend/mil_text.c). */
Module *fe_parse_mil_text(const char *path, FILE *in, DiagList *dl);

/* coremltools' printed Program form, mil-text.md §9 (pymil_text.c): the
 * whole text in memory.  fe_is_pymil tells it by its first tokens,
 * `NAME[OPSET](`. */
bool fe_is_pymil(const void *text, size_t len);
Module *fe_parse_pymil_text(const char *path, const char *text, size_t len, DiagList *dl);

/* The protobuf reader (pb_reader.c): a serialized CoreML.Specification.Model
 * held in memory.  `file` names it in diagnostics and Module.file;
 * `model_path` is the folder @model_path stands for (may be NULL);
 * `format` goes to ModelDesc.format. */
Module *fe_read_protobuf(const char *file, const void *data, size_t len,
                         const char *model_path, const char *format, DiagList *dl);

/* fe_read_protobuf for bytes the module may keep: weights held inline (a
 * neural network's) are referenced where they are, not copied.  The bytes
 * are the reader's: release(ctx) frees them, called when the module is
 * freed, or before returning when no module is made. */
Module *fe_read_protobuf_kept(const char *file, const void *data, size_t len,
                              const char *model_path, const char *format, DiagList *dl,
                              void (*release)(void *), void *ctx);

/* Fill m->desc from a compiled bundle's metadata.json (bundle.c).  0 on
 * success or when absent; -1 with a diagnostic when malformed. */
int fe_read_mlmodelc_metadata(Module *m, const char *json_path, DiagList *dl);

/* Whole file into malloc'd memory (caller frees), capped at `cap` bytes.
 * NULL with a diagnostic on failure. */
void *fe_read_file(const char *path, size_t cap, size_t *len, DiagList *dl);

#endif
