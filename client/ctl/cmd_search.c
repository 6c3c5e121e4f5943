/* cmd_search.c - scaffolding until the module's owner writes the command. */
#include <stdio.h>

#include "commands.h"

int ks_cmd_search(const char *data_dir, int argc, char **argv)
{
    (void)data_dir;
    (void)argc;
    fprintf(stderr, "kioskctl: '%s' is not built yet\n", argv[0]);
    return 1;
}
