/*
 * script.h - the headless harness's script: one step per line, parsed
 * up front (so a typo fails before anything runs), then played against the
 * app on the simulated clock. The steps and their arguments are a table in
 * script.c: adding a step is one line there and one function.
 */
#ifndef KS_APP_SCRIPT_H
#define KS_APP_SCRIPT_H

#include "ks/error.h"

#include "app.h"

typedef struct script script;

/* Parses path. Errors name the file and line ("flow.txt:7: unknown step
 * 'tapp'"). *out: script_free(). */
ks_status script_load(const char *path, script **out, ks_error *err);
void script_free(script *sc);
/* Plays every step; shots go to shots_dir. Returns 0 when all passed, 1
 * when a step failed (the message names the line, on stderr). */
int script_run(script *sc, app *a, const char *shots_dir);

#endif
