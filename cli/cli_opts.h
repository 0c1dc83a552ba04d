/* SPDX-License-Identifier: MIT */
/* Command-line options from one table per command: the table gives name, default, range and
 * help, drives parsing and generates --help (the way FFmpeg's AVOption tables do). */
#ifndef SLC_CLI_OPTS_H
#define SLC_CLI_OPTS_H

#include <stddef.h>

enum slc_cli_opt_type {
    SLC_OPT_FLAG,   /* int, set to 1 when present */
    SLC_OPT_INT,    /* long long within [min, max] */
    SLC_OPT_DOUBLE, /* double within [min, max] */
    SLC_OPT_STRING, /* const char * pointing into argv */
    SLC_OPT_LIST,   /* repeatable string: appended to a struct slc_cli_list */
    SLC_OPT_ENUM,   /* string that must be one of `choices` ("a|b|c"); stored as const char * */
};

/* Ceiling on a repeatable option: e.g. 256 --live channels (issue 4 asks for >= 100). */
#define SLC_CLI_LIST_MAX 256

/** Storage for a repeatable option (e.g. --live NAME=URL given several times). */
struct slc_cli_list {
    const char *items[SLC_CLI_LIST_MAX];
    size_t n;
};

struct slc_cli_opt {
    const char *name; /* long name without dashes, e.g. "target-duration" */
    enum slc_cli_opt_type type;
    size_t offset;       /* offsetof() the field in the command's config struct */
    const char *defval;  /* default as text (NULL: none); applied before parsing */
    double min, max;     /* range for INT/DOUBLE */
    const char *choices; /* for ENUM: "vod|event" */
    const char *metavar; /* e.g. "SEC" in --help */
    const char *help;
};

struct slc_cli_cmd {
    const char *name;     /* "segment" */
    const char *synopsis; /* "INPUT OUTDIR [options]" */
    const char *summary;  /* one line for `sluice --help` */
    const struct slc_cli_opt *opts;
    size_t nopts;
    size_t min_args, max_args; /* positional arguments */
    size_t cfg_size;
    /* Runs the command with parsed config; returns the process exit code. */
    int (*run)(void *cfg, int argc, char **argv);
};

/** Parse argv (after the command name) into `cfg` (cfg_size bytes, zeroed here, defaults
 * applied). Positional arguments are compacted into argv[0..*nargs). Handles --help (prints
 * and returns 1 for "exit 0"). Returns 0 ok, 1 help shown, -1 usage error (message printed). */
int slc_cli_parse(const struct slc_cli_cmd *cmd, void *cfg, int argc, char **argv, int *nargs);

/** Print the generated help of a command to stdout. */
void slc_cli_print_help(const struct slc_cli_cmd *cmd);

#endif
