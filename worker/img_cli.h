/*
 * img_cli.h - subcommands of the `imaginator` binary.
 *
 * Each takes argc/argv starting at the subcommand name and returns a
 * sysexits.h code. Errors are one line on stderr: "imaginator <cmd>: reason".
 */
#ifndef IMG_CLI_H
#define IMG_CLI_H

int img_cmd_analyze(int argc, char **argv);
int img_cmd_config(int argc, char **argv);
int img_cmd_worker(int argc, char **argv);
int img_cmd_topics(int argc, char **argv);
int img_cmd_migrate(int argc, char **argv);
int img_cmd_keys(int argc, char **argv);
int img_cmd_status(int argc, char **argv);
int img_cmd_result(int argc, char **argv);
int img_cmd_enqueue(int argc, char **argv);

/* Prints "imaginator <cmd>: <formatted>" and a newline on stderr. */
void img_cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
