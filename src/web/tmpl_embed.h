/*
 * tmpl_embed: the tables of compiled-in templates and static files that
 * tools/embed-assets.sh generates (build/<variant>/gen/assets.c) and
 * web/tmpl.c reads. Internal to web/tmpl: pages use web/tmpl.h.
 *
 * Everything here is static data, valid for the life of the process. Each
 * text and byte array is followed by a NUL that len does not count.
 */
#ifndef HEARTH_WEB_TMPL_EMBED_H
#define HEARTH_WEB_TMPL_EMBED_H

#include <stddef.h>

#include "web/tmpl.h"

struct tmpl_source {
    const char *name; /* file name without ".html" */
    const char *text;
    size_t len;
};

extern const struct tmpl_source tmpl_sources[];
extern const size_t tmpl_sources_count;
extern const struct tmpl_asset tmpl_assets[];
extern const size_t tmpl_assets_count;

#endif
