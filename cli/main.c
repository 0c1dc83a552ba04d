/* SPDX-License-Identifier: MIT */
/* sluice entry point: dispatch to a command, map errors to exit codes. Thin by design. */
#include "cli.h"

#include "slc_err.h"
#include "slc_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

volatile sig_atomic_t slc_cli_stop;
volatile sig_atomic_t slc_cli_stop_again;

static const struct slc_cli_cmd *const commands[] = {
    &slc_cmd_segment,
    &slc_cmd_serve,
    &slc_cmd_live,
    &slc_cmd_upload,
};

static void on_signal(int sig)
{
    (void)sig;
    if (slc_cli_stop) {
        slc_cli_stop_again = 1;
    }
    slc_cli_stop = 1;
}

void slc_cli_install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int slc_cli_exit_code(int err)
{
    switch (err) {
    case SLC_OK:
        return SLC_EXIT_OK;
    case SLC_EINVAL:
        return SLC_EXIT_USAGE;
    case SLC_ENOENT:
    case SLC_EFORMAT:
    case SLC_EUNSUPPORTED:
    case SLC_ETIMEDOUT:
        return SLC_EXIT_INPUT;
    case SLC_EACCES:
    case SLC_ENOSPC:
    case SLC_EIO:
        return SLC_EXIT_OUTPUT;
    case SLC_EINTR:
        return SLC_EXIT_SIGNAL;
    default:
        return SLC_EXIT_FAIL;
    }
}

static void print_usage(FILE *f)
{
    fprintf(f, "usage: sluice COMMAND [options]\n\n"
               "sluice segments media into HLS (MPEG-TS + m3u8) and serves it over HTTP.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    }
    fprintf(f, "\n'sluice COMMAND --help' shows a command's options; 'sluice --version' the "
               "version.\n");
}

static int run_command(const struct slc_cli_cmd *cmd, int argc, char **argv)
{
    void *cfg = calloc(1, cmd->cfg_size ? cmd->cfg_size : 1);
    int nargs = 0, ret;

    if (!cfg) {
        fprintf(stderr, "sluice: out of memory\n");
        return SLC_EXIT_FAIL;
    }
    ret = slc_cli_parse(cmd, cfg, argc, argv, &nargs);
    if (ret != 0) {
        free(cfg);
        return ret > 0 ? SLC_EXIT_OK : SLC_EXIT_USAGE;
    }
    ret = cmd->run(cfg, nargs, argv);
    free(cfg);
    return ret;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? SLC_EXIT_USAGE : SLC_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("sluice %s\n", SLUICE_VERSION);
        return SLC_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i]->name) == 0) {
            return run_command(commands[i], argc - 2, argv + 2);
        }
    }
    fprintf(stderr, "sluice: unknown command '%s'\n", argv[1]);
    print_usage(stderr);
    return SLC_EXIT_USAGE;
}
