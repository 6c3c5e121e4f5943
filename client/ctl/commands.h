/*
 * commands.h - kioskctl's subcommands (private to client/ctl).
 *
 * Each takes the data directory resolved by main (NULL when the command
 * needs none) and its own arguments (argv[0] is the subcommand's name), and
 * returns the process exit code: 0 success, 1 the operation failed (the
 * reason went to stderr), 2 the command line was wrong.
 */
#ifndef KS_CTL_COMMANDS_H
#define KS_CTL_COMMANDS_H

int ks_cmd_import(const char *data_dir, int argc, char **argv);
int ks_cmd_search(const char *data_dir, int argc, char **argv);
int ks_cmd_status(const char *data_dir, int argc, char **argv);
int ks_cmd_sync(const char *data_dir, int argc, char **argv);
int ks_cmd_bundle(const char *data_dir, int argc, char **argv);
int ks_cmd_keygen(const char *data_dir, int argc, char **argv);
int ks_cmd_import_zendesk(const char *data_dir, int argc, char **argv);
int ks_cmd_check_config(const char *data_dir, int argc, char **argv);
int ks_cmd_pin_hash(const char *data_dir, int argc, char **argv);

#endif
