/* SPDX-License-Identifier: MIT */
/* Table-driven option parsing and --help generation. */
#include "cli_opts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct slc_cli_opt *find_opt(const struct slc_cli_cmd *cmd, const char *name,
                                          size_t len)
{
    for (size_t i = 0; i < cmd->nopts; i++) {
        if (strlen(cmd->opts[i].name) == len && strncmp(cmd->opts[i].name, name, len) == 0) {
            return &cmd->opts[i];
        }
    }
    return NULL;
}

static int enum_has(const char *choices, const char *val)
{
    size_t vl = strlen(val);
    const char *p = choices;

    while (p && *p) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == vl && strncmp(p, val, l) == 0) {
            return 1;
        }
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

/* Store `val` into the field of `o`; prints the reason and returns -1 when it is invalid. */
static int set_value(const struct slc_cli_cmd *cmd, const struct slc_cli_opt *o, void *cfg,
                     const char *val)
{
    char *field = (char *)cfg + o->offset;
    char *end = NULL;

    errno = 0;
    switch (o->type) {
    case SLC_OPT_FLAG:
        *(int *)field = 1;
        return 0;
    case SLC_OPT_INT: {
        long long v = strtoll(val, &end, 10);
        if (errno || end == val || *end || v < o->min || v > o->max) {
            fprintf(stderr, "sluice %s: --%s: '%s' is not an integer in [%.0f, %.0f]\n", cmd->name,
                    o->name, val, o->min, o->max);
            return -1;
        }
        *(long long *)field = v;
        return 0;
    }
    case SLC_OPT_DOUBLE: {
        double v = strtod(val, &end);
        if (errno || end == val || *end || !isfinite(v) || v < o->min || v > o->max) {
            fprintf(stderr, "sluice %s: --%s: '%s' is not a number in [%g, %g]\n", cmd->name,
                    o->name, val, o->min, o->max);
            return -1;
        }
        *(double *)field = v;
        return 0;
    }
    case SLC_OPT_ENUM:
        if (!enum_has(o->choices, val)) {
            fprintf(stderr, "sluice %s: --%s: '%s' is not one of %s\n", cmd->name, o->name, val,
                    o->choices);
            return -1;
        }
        *(const char **)field = val;
        return 0;
    case SLC_OPT_STRING:
        *(const char **)field = val;
        return 0;
    case SLC_OPT_LIST: {
        struct slc_cli_list *l = (struct slc_cli_list *)field;
        if (l->n >= SLC_CLI_LIST_MAX) {
            fprintf(stderr, "sluice %s: --%s given more than %d times\n", cmd->name, o->name,
                    SLC_CLI_LIST_MAX);
            return -1;
        }
        l->items[l->n++] = val;
        return 0;
    }
    }
    return -1;
}

static int apply_defaults(const struct slc_cli_cmd *cmd, void *cfg)
{
    memset(cfg, 0, cmd->cfg_size);
    for (size_t i = 0; i < cmd->nopts; i++) {
        const struct slc_cli_opt *o = &cmd->opts[i];
        if (o->defval && o->type != SLC_OPT_FLAG && set_value(cmd, o, cfg, o->defval) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Handle one "--name[=value]" at argv[*i]; consumes the value argument when needed. */
static int parse_long(const struct slc_cli_cmd *cmd, void *cfg, int argc, char **argv, int *i)
{
    const char *arg = argv[*i] + 2;
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const struct slc_cli_opt *o = find_opt(cmd, arg, len);
    const char *val = eq ? eq + 1 : NULL;

    if (!o) {
        fprintf(stderr, "sluice %s: unknown option '--%.*s' (see 'sluice %s --help')\n", cmd->name,
                (int)len, arg, cmd->name);
        return -1;
    }
    if (o->type == SLC_OPT_FLAG) {
        if (val) {
            fprintf(stderr, "sluice %s: --%s takes no value\n", cmd->name, o->name);
            return -1;
        }
        return set_value(cmd, o, cfg, "1");
    }
    if (!val) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "sluice %s: --%s needs a value\n", cmd->name, o->name);
            return -1;
        }
        val = argv[++*i];
    }
    return set_value(cmd, o, cfg, val);
}

int slc_cli_parse(const struct slc_cli_cmd *cmd, void *cfg, int argc, char **argv, int *nargs)
{
    int npos = 0, only_pos = 0;

    if (apply_defaults(cmd, cfg) < 0) {
        return -1;
    }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            slc_cli_print_help(cmd);
            return 1;
        }
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
        } else if (!only_pos && a[0] == '-' && a[1] == '-') {
            if (parse_long(cmd, cfg, argc, argv, &i) < 0) {
                return -1;
            }
        } else if (!only_pos && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "sluice %s: unknown option '%s' (see 'sluice %s --help')\n", cmd->name,
                    a, cmd->name);
            return -1;
        } else {
            argv[npos++] = argv[i];
        }
    }
    if ((size_t)npos < cmd->min_args || (size_t)npos > cmd->max_args) {
        fprintf(stderr, "sluice %s: expected %s (see 'sluice %s --help')\n", cmd->name,
                cmd->synopsis, cmd->name);
        return -1;
    }
    *nargs = npos;
    return 0;
}

void slc_cli_print_help(const struct slc_cli_cmd *cmd)
{
    printf("usage: sluice %s %s\n\n%s\n\noptions:\n", cmd->name, cmd->synopsis, cmd->summary);
    for (size_t i = 0; i < cmd->nopts; i++) {
        const struct slc_cli_opt *o = &cmd->opts[i];
        char left[64];
        const char *mv = o->metavar ? o->metavar : (o->type == SLC_OPT_ENUM ? o->choices : "X");
        if (o->type == SLC_OPT_FLAG) {
            snprintf(left, sizeof(left), "--%s", o->name);
        } else {
            snprintf(left, sizeof(left), "--%s %s", o->name, mv);
        }
        printf("  %-30s %s", left, o->help);
        if (o->defval && o->type != SLC_OPT_FLAG) {
            printf(" (default %s)", o->defval);
        }
        printf("\n");
    }
    printf("  %-30s %s\n", "--help", "show this help and exit");
}
