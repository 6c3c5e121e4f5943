/*
 * str.h - the few string helpers C lacks, shared so no module writes its
 * own copy.
 */
#ifndef KS_STR_H
#define KS_STR_H

#include <stddef.h>

/* A malloc'ed copy of s (free() it); NULL when s is NULL or memory ran out. */
char *ks_strdup(const char *s);
/* A malloc'ed copy of the first n bytes of s, NUL-terminated (free() it);
 * NULL when memory ran out. s need not be NUL-terminated. */
char *ks_strndup(const char *s, size_t n);

#endif
