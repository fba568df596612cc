/*
 * cmd_keygen.c — `jmd keygen`: a party's Ed25519 key pair, written as a key
 * file (docs/ledger.md, "Keys and signatures") with mode 0600, never over
 * an existing file. The public key, the line a scenario or federation file
 * lists for the party, goes to standard output.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "jmd/ledger.h"

#define CMD "keygen"

/* Also in commands.h (the table); repeated so this file stands alone. */
int jmd_cmd_keygen(int argc, char **argv);
void jmd_cmd_keygen_help(FILE *out);

void jmd_cmd_keygen_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd keygen --party NAME --out FILE\n"
            "\n"
            "Make a party's key pair: Ed25519 (RFC 8032) for signatures, from which\n"
            "the X25519 key that agrees per-pair MAC keys with the other parties is\n"
            "derived. FILE receives the key file (party name, public key, secret key,\n"
            "in hex; docs/ledger.md), created with mode 0600; an existing file is\n"
            "never overwritten. Standard output gets the party and public-key lines to\n"
            "publish (the scenario or federation file lists each party's public key).\n"
            "\n"
            "Options:\n"
            "  --party NAME   the party: 1 to %d letters, digits, '_', '-' or '.',\n"
            "                 starting with a letter or digit (required)\n"
            "  --out FILE     the key file to create (required)\n"
            "  --help         this help\n"
            "\n"
            "Example:\n"
            "  jmd keygen --party USA --out usa.key\n"
            "\n"
            "Exit status: 0 written, 1 the file could not be written, 2 bad usage.\n",
            JMD_LEDGER_PARTY_MAX);
}

int jmd_cmd_keygen(int argc, char **argv)
{
    const char *party = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = NULL;
        if (strcmp(f, "--party") != 0 && strcmp(f, "--out") != 0)
            return jmd_cli_usage_error(CMD,
                                       "expected an option (see jmd keygen --help), "
                                       "found \"%s\"",
                                       f);
        if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) return JMD_EXIT_USAGE;
        const char **slot = strcmp(f, "--party") == 0 ? &party : &out;
        if (*slot) return jmd_cli_usage_error(CMD, "%s: expected once, found it twice", f);
        *slot = v;
    }
    if (!party)
        return jmd_cli_usage_error(CMD, "--party: expected the party's name, found nothing");
    if (!out)
        return jmd_cli_usage_error(CMD,
                                   "--out: expected the key file to create, found nothing");
    if (jmd_ledger_party_name_check(party) != 0)
        return jmd_cli_usage_error(CMD,
                                   "--party: expected 1 to %d letters, digits, '_', '-' "
                                   "or '.', starting with a letter or digit, found \"%s\"",
                                   JMD_LEDGER_PARTY_MAX, party);
    struct stat st;
    if (out[0] == '\0')
        return jmd_cli_usage_error(CMD, "--out: expected a file name, found \"\"");
    if (stat(out, &st) == 0)
        return jmd_cli_usage_error(CMD,
                                   "--out: expected a new file, found the existing \"%s\" "
                                   "(a key is never overwritten)",
                                   out);

    jmd_ledger_keypair kp;
    char err[512];
    int rc = jmd_ledger_keypair_generate(&kp, party);
    if (rc != 0) return jmd_cli_fail(CMD, "cannot make a key pair: %s", jmd_strerror(rc));
    rc = jmd_ledger_key_save(out, &kp, err, sizeof err);
    if (rc != 0) {
        jmd_ledger_keypair_wipe(&kp);
        return jmd_cli_fail(CMD, "--out: %s", err[0] ? err : jmd_strerror(rc));
    }
    char pk[2 * JMD_LEDGER_PK_SIZE + 1];
    jmd_ledger_hex(kp.pk, sizeof kp.pk, pk);
    printf("party %s\npublic %s\n", kp.party, pk);
    jmd_ledger_keypair_wipe(&kp);
    return JMD_EXIT_OK;
}
