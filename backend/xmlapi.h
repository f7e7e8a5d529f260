/*
 * xmlapi.h - libxml2, loaded when first needed.
 *
 * Linking libxml2 costs every anelint process about 2 ms at start-up (it
 * pulls in ICU and libstdc++: measured 3.5 ms vs 1.5 ms for an empty
 * program on Debian 12), more than the whole analysis of most models, and
 * only the XML writers need it.  So the library does not link it: the
 * first XML writer dlopen()s libxml2.so.2 and takes the functions it uses
 * from it.  The prototypes come from libxml2's own headers, so a mismatch
 * is a compile error.
 */
#ifndef ANELINT_BACKEND_XMLAPI_H
#define ANELINT_BACKEND_XMLAPI_H

#include <libxml/xmlwriter.h>

typedef struct XmlApi {
	void *handle;
#define XML_FN(name) __typeof__(name) *name;
#include "backend/xmlapi.def"
#undef XML_FN
} XmlApi;

/* Load the functions: 0, or -1 with a one-line reason in *why when
 * libxml2 cannot be loaded.  No global state of ours: each writer opens
 * its own (dlopen counts references); the library stays loaded. */
int xml_api_open(XmlApi *api, const char **why);
void xml_api_close(XmlApi *api);

#endif
