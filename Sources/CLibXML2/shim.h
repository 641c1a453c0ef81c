#ifndef AXLICENSE_CLIBXML2_SHIM_H
#define AXLICENSE_CLIBXML2_SHIM_H

/* xmlversion.h first, then hide ICU: Debian's libxml2 is built with ICU and its
   headers would otherwise pull in ICU types that clash with Foundation's
   _FoundationICU module ("'UErrorCode' has different definitions"). */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlerror.h>

/* xmlFree is a global function pointer, which Swift 6 rejects as not
   concurrency-safe; call it through a plain function instead. */
static inline void axl_xmlFree(void *pointer) { xmlFree(pointer); }

#endif
