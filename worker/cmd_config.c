/*
 * imaginator config: the configuration reference and file checks.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "img_cli.h"
#include "pipeline/img_config.h"

static const char usage[] = "usage: imaginator config [--dump-config | --markdown | "
                            "--check-config FILE]\n"
                            "  --dump-config        every key with its default and description\n"
                            "  --markdown           the reference as Markdown (docs/CONFIG.md)\n"
                            "  --check-config FILE  validate FILE; errors say path:line: reason\n";

int img_cmd_config(int argc, char **argv)
{
    static const struct option opts[] = {{"dump-config", no_argument, NULL, 'd'},
                                         {"markdown", no_argument, NULL, 'm'},
                                         {"check-config", required_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c, mode = 0;
    const char *path = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
        case 'm':
            mode = c;
            break;
        case 'c':
            mode = c;
            path = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return EX_OK;
        default:
            fputs(usage, stderr);
            return EX_USAGE;
        }
    }
    if (!mode) {
        fputs(usage, stderr);
        return EX_USAGE;
    }
    if (mode == 'm') {
        img_conf_markdown(&img_config_table, stdout);
        return EX_OK;
    }
    img_config_t cfg;
    char err[512];
    if (img_config_init(&cfg, mode == 'c' ? path : NULL, err, sizeof(err)) != IMG_OK) {
        img_cli_error("config", "%s", err);
        img_config_free(&cfg);
        return EX_CONFIG;
    }
    if (mode == 'd')
        img_conf_dump(&img_config_table, &cfg, stdout);
    else
        printf("%s: ok\n", path);
    img_config_free(&cfg);
    return EX_OK;
}
