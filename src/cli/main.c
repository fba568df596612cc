/*
 * main.c — the jmd program: global flags (--help, --version), `jmd help
 * CMD`, and dispatch to the subcommands listed in jmd_cli_cmds.
 *
 * Exit status: 0 success, 1 the job failed, 2 bad usage or bad input.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "jmd/version.h"

#include "cli/commands.h"

const jmd_cli_cmd jmd_cli_cmds[] = {
    JMD_CLI_COMMANDS
    {NULL, NULL, NULL, NULL},
};

static void print_help(FILE *out)
{
    fprintf(out,
            "jmd %s — Joint Missile Defense toolkit: the NATO-Russia joint missile-defense\n"
            "designs of 2010-2013, with the flight physics to weigh them.\n"
            "\n"
            "Usage: jmd [--help | --version]\n"
            "       jmd COMMAND [OPTIONS]\n"
            "       jmd help COMMAND\n"
            "\n"
            "Commands:\n",
            jmd_version());
    for (const jmd_cli_cmd *c = jmd_cli_cmds; c->name; c++)
        fprintf(out, "  %-12s %s\n", c->name, c->summary);
    fprintf(out,
            "\n"
            "Every command takes --help. Angles and positions at the command line are in\n"
            "degrees (latitude north, longitude east), distances in km, speeds in km/s,\n"
            "altitudes in km unless a flag's name says otherwise (ALT_M: metres).\n"
            "\n"
            "Exit status: 0 success, 1 the job failed, 2 bad usage or bad input.\n"
            "Documentation: docs/cli.md, docs/models.md, docs/catalogue.md.\n");
}

static const jmd_cli_cmd *find_cmd(const char *name)
{
    for (const jmd_cli_cmd *c = jmd_cli_cmds; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

static void list_cmds(void)
{
    fprintf(stderr, "jmd: commands are:");
    for (const jmd_cli_cmd *c = jmd_cli_cmds; c->name; c++) fprintf(stderr, " %s", c->name);
    fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return JMD_EXIT_USAGE;
    }
    const char *a = argv[1];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        print_help(stdout);
        return JMD_EXIT_OK;
    }
    if (strcmp(a, "--version") == 0 || strcmp(a, "version") == 0) {
        printf("jmd %s\n", jmd_version());
        return JMD_EXIT_OK;
    }
    if (strcmp(a, "help") == 0) {
        if (argc == 2) {
            print_help(stdout);
            return JMD_EXIT_OK;
        }
        if (argc > 3)
            return jmd_cli_usage_error("help", "expected one command name, found %d arguments",
                                       argc - 2);
        const jmd_cli_cmd *c = find_cmd(argv[2]);
        if (!c) {
            jmd_cli_usage_error("help", "expected a command name, found \"%s\"", argv[2]);
            list_cmds();
            return JMD_EXIT_USAGE;
        }
        c->help(stdout);
        return JMD_EXIT_OK;
    }
    if (a[0] == '-') {
        jmd_cli_usage_error(NULL, "expected a command or --help/--version, found \"%s\"", a);
        return JMD_EXIT_USAGE;
    }
    const jmd_cli_cmd *c = find_cmd(a);
    if (!c) {
        jmd_cli_usage_error(NULL, "expected a command, found \"%s\"", a);
        list_cmds();
        return JMD_EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            c->help(stdout);
            return JMD_EXIT_OK;
        }
    }
    /* No command takes more than a few dozen words; the bound keeps the
     * check below (quadratic) cheap whatever the input. */
    if (argc - 2 > 4096)
        return jmd_cli_usage_error(c->name, "expected at most 4096 arguments, found %d",
                                   argc - 2);
    /* A flag given twice is refused rather than the last one silently
     * winning ("--from A --from B" for "--from A --to B"). Values never
     * start with "--" (jmd_cli_value refuses them), so every such word is
     * a flag. */
    for (int i = 2; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0) continue;
        for (int j = 2; j < i; j++)
            if (strcmp(argv[i], argv[j]) == 0)
                return jmd_cli_usage_error(c->name,
                                           "%s: expected at most once, found it again "
                                           "(arguments %d and %d)",
                                           argv[i], j - 1, i - 1);
    }
    return c->run(argc - 1, argv + 1);
}
