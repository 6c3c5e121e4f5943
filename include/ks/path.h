/*
 * path.h - where the kiosk keeps its things, and small path helpers.
 *
 * The data directory holds everything the kiosk keeps (database, media store,
 * logs). Default: $XDG_STATE_HOME/kiosk, else $HOME/.local/state/kiosk.
 * Strings returned through `char **out` are malloc'ed: free() them.
 */
#ifndef KS_PATH_H
#define KS_PATH_H

#include "ks/error.h"

/* The default data directory. Caller frees *out. */
ks_status ks_path_default_data_dir(char **out, ks_error *err);
/* Creates dir and its parents (mode 0700 for new ones). Ok if it exists. */
ks_status ks_path_mkdirs(const char *dir, ks_error *err);
/* Joins a and b with one '/'. Caller frees the result; NULL on no memory. */
char *ks_path_join(const char *a, const char *b);
/* 1 if path exists (any type), 0 otherwise. */
int ks_path_exists(const char *path);
/* 1 if path is a directory. */
int ks_path_is_dir(const char *path);
/* Removes a file or a whole directory tree; ok if it does not exist. */
ks_status ks_path_remove_tree(const char *path, ks_error *err);
/* The directory of the running executable (for locating assets next to a
 * build). Caller frees *out. */
ks_status ks_path_exe_dir(char **out, ks_error *err);
/* 1 if name is a safe relative path: no "..", no leading '/', no '\\', no
 * empty components, no control characters. For names from bundles. */
int ks_path_is_safe_relative(const char *name);

#endif
