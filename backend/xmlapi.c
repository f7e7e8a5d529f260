/* xmlapi.c - libxml2 loaded on use (xmlapi.h). */
#include "backend/xmlapi.h"

#include <dlfcn.h>
#include <string.h>

int xml_api_open(XmlApi *a, const char **why)
{
	memset(a, 0, sizeof *a);
	a->handle = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
	if (!a->handle) {
		*why = "libxml2.so.2 cannot be loaded (install libxml2)";
		return -1;
	}
#define XML_FN(name) \
	*(void **)&a->name = dlsym(a->handle, #name); \
	if (!a->name) { \
		*why = "libxml2.so.2 lacks " #name; \
		memset(a, 0, sizeof *a); \
		return -1; \
	}
#include "backend/xmlapi.def"
#undef XML_FN
	return 0;
}

/* The library stays loaded: libxml2 keeps global state (its parser
 * initialisation) that unloading would strand, and a process writes a
 * report or two. */
void xml_api_close(XmlApi *a)
{
	memset(a, 0, sizeof *a);
}
