/* SPDX-License-Identifier: MIT */
/* The CLI's shared pieces: command registry, exit codes, signal-driven stop flag. */
#ifndef SLC_CLI_H
#define SLC_CLI_H

#include "cli_opts.h"

#include <signal.h>

/* Exit codes: the one place slc_err becomes a process status. */
enum slc_exit {
    SLC_EXIT_OK = 0,
    SLC_EXIT_FAIL = 1,     /* anything not listed below */
    SLC_EXIT_USAGE = 2,    /* bad command line */
    SLC_EXIT_INPUT = 3,    /* input missing, unreadable, corrupt or unsupported */
    SLC_EXIT_OUTPUT = 4,   /* output not writable, disk full */
    SLC_EXIT_UPLOAD = 5,   /* --upload/upload: some files did not reach the target (local copy
                              complete; run again with --resume) */
    SLC_EXIT_SIGNAL = 130, /* stopped by SIGINT/SIGTERM before finishing */
};

/** Map an slc_err to an exit code. */
int slc_cli_exit_code(int err);

/** Set by SIGINT/SIGTERM handlers installed with slc_cli_install_signals(). */
extern volatile sig_atomic_t slc_cli_stop;
/** Set by a second SIGINT/SIGTERM: a live run drains its upload queue after the first. */
extern volatile sig_atomic_t slc_cli_stop_again;
void slc_cli_install_signals(void);

extern const struct slc_cli_cmd slc_cmd_segment;
extern const struct slc_cli_cmd slc_cmd_serve;
extern const struct slc_cli_cmd slc_cmd_live;
extern const struct slc_cli_cmd slc_cmd_upload;

#endif
