/*
 * The `imaginator` binary: git-style subcommands.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "img_cli.h"

static const char usage[] =
    "usage: imaginator <command> [options]\n"
    "\n"
    "commands:\n"
    "  analyze    analyse a resume against a job ad with the built-in analyst; prints the\n"
    "             result document (imaginator.result.v1)\n"
    "  config     print the configuration reference (--dump-config, --markdown, --check-config)\n"
    "  migrate    create or upgrade the PostgreSQL schema (idempotent)\n"
    "  keys       API keys of tenants: keys create --tenant NAME [--budget-usd X], keys list,\n"
    "             keys revoke PREFIX\n"
    "  status     print the status of a request: imaginator status ID\n"
    "  result     print the result document of a finished request: imaginator result ID\n"
    "  enqueue    send analysis requests to Kafka: enqueue --resume F --job F, --jsonl F,\n"
    "             --raw F; prints one request id per line\n"
    "  worker     the daemon: consume requests from Kafka, publish results (imaginator worker\n"
    "             --help)\n"
    "  topics     create the Kafka topics: imaginator topics ensure [--partitions N]\n"
    "\n"
    "  imaginator <command> --help    options of one command\n"
    "  imaginator --version\n";

void img_cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "imaginator %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EX_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return EX_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("imaginator %s\n", IMG_VERSION);
        return EX_OK;
    }
    if (!strcmp(cmd, "analyze"))
        return img_cmd_analyze(argc - 1, argv + 1);
    if (!strcmp(cmd, "config"))
        return img_cmd_config(argc - 1, argv + 1);
    if (!strcmp(cmd, "worker"))
        return img_cmd_worker(argc - 1, argv + 1);
    if (!strcmp(cmd, "topics"))
        return img_cmd_topics(argc - 1, argv + 1);
    if (!strcmp(cmd, "migrate"))
        return img_cmd_migrate(argc - 1, argv + 1);
    if (!strcmp(cmd, "keys"))
        return img_cmd_keys(argc - 1, argv + 1);
    if (!strcmp(cmd, "status"))
        return img_cmd_status(argc - 1, argv + 1);
    if (!strcmp(cmd, "result"))
        return img_cmd_result(argc - 1, argv + 1);
    if (!strcmp(cmd, "enqueue"))
        return img_cmd_enqueue(argc - 1, argv + 1);
    fprintf(stderr, "imaginator: unknown command \"%s\"; see imaginator --help\n", cmd);
    return EX_USAGE;
}
