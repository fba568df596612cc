/*
 * commands.h — the subcommands of jmd: declarations and the table entries
 * main.c builds jmd_cli_cmds from (in the order of jmd --help).
 */
#ifndef JMD_CLI_COMMANDS_H
#define JMD_CLI_COMMANDS_H

#include <stdio.h>

#define JMD_CLI_COMMANDS

#endif
