/*
 * str.c - string copies with the allocation failure and NULL cases handled
 * in one place.
 */
#include <stdlib.h>
#include <string.h>

#include "ks/str.h"

char *ks_strdup(const char *s)
{
    return s ? ks_strndup(s, strlen(s)) : NULL;
}

char *ks_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
