/*
 * cmd_verify.c — `jmd verify LOG [--peer LOG] [--window S] [--json]`: checks
 * a party's log (integrity, checkpoints and their proofs, signatures,
 * approvals) and, with --peer, the two logs against each other (cosigned
 * checkpoints, every message sent found in the other log). The checks are
 * jmd_ledger_log_verify (src/ledger/verify.c; docs/ledger.md, "jmd
 * verify"); this file parses the flags and prints the result.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "jmd/federate.h"
#include "jmd/ledger.h"

#define CMD "verify"

/* Also in commands.h (the table); repeated so this file stands alone. */
int jmd_cmd_verify(int argc, char **argv);
void jmd_cmd_verify_help(FILE *out);

void jmd_cmd_verify_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd verify LOG [--peer LOG] [--window SECONDS] [--json]\n"
            "\n"
            "Check a party's log (the SQLite file its node keeps; docs/ledger.md): every\n"
            "entry's leaf hash recomputed from its fields, indexes 0, 1, 2 ..., every\n"
            "checkpoint's signature, root and consistency proof, the inclusion proof of\n"
            "every entry in the latest checkpoint, the signature of every proposal, vote,\n"
            "launch order and checkpoint, and the approval signatures of votes and launch\n"
            "orders against the proposal they name.\n"
            "\n"
            "With --peer, also the other party's log, and the two against each other:\n"
            "the checkpoints each cosigned of the other must be tree heads of the other's\n"
            "entries (a truncated or rewritten log fails here), and every message one\n"
            "sent to the other must be in the other's log, received or rejected, byte for\n"
            "byte, and every message one received from the other in the other's log as\n"
            "sent.\n"
            "\n"
            "Options:\n"
            "  --peer LOG        the other party's log\n"
            "  --window SECONDS  a message sent within this many seconds of the end of\n"
            "                    the receiver's log may still be in flight and need not\n"
            "                    be in it (default 10)\n"
            "  --json            print the result as one JSON object\n"
            "  --help            this help\n"
            "\n"
            "Example:\n"
            "  jmd verify nato.jmdlog --peer rus.jmdlog\n"
            "\n"
            "The report ends with \"ok\" or names the first failure (file, entry index,\n"
            "direction, kind, sequence number, what failed).\n"
            "Exit status: 0 ok, 1 verification failed, 2 bad usage or a file that is not a\n"
            "readable jmd log.\n");
}

static const char *dir_name(int dir)
{
    static const char *const names[] = {"?", "sent", "received", "rejected", "input", "note"};
    return dir >= 1 && dir <= 5 ? names[dir] : names[0];
}

/* An entry's kind in words: a message kind, or for an INPUT entry the
 * world frame it holds (docs/federation.md §6), "note" for a NOTE. */
static const char *entry_kind(int dir, int kind)
{
    if (dir == JMD_LOG_NOTE) return "note";
    if (dir != JMD_LOG_INPUT) return jmd_msg_kind_name(kind);
    switch (kind) {
    case JMD_FRAME_TICK: return "tick";
    case JMD_FRAME_SCAN: return "scan";
    case JMD_FRAME_CUE: return "cue";
    case JMD_FRAME_ASSESS: return "assessment";
    default: return "world frame";
    }
}

static void print_text(const jmd_ledger_verify_result *r, const char *log, const char *peer)
{
    printf("log %s: party %s, %llu entries\n", log, r->party, (unsigned long long)r->entries);
    if (peer)
        printf("peer %s: party %s, %llu entries\n", peer, r->peer_party,
               (unsigned long long)r->peer_entries);
    printf("  checkpoints: %llu checked (%llu unsigned), %llu entries proved included\n",
           (unsigned long long)r->checkpoints, (unsigned long long)r->unsigned_checkpoints,
           (unsigned long long)r->included);
    printf("  signatures: %llu messages, %llu approvals (%llu whose proposal is not logged)\n",
           (unsigned long long)r->signatures, (unsigned long long)r->approvals,
           (unsigned long long)r->approvals_unchecked);
    printf("  cosignatures: %llu received checked", (unsigned long long)r->cosignatures);
    if (peer)
        printf(", %llu cosigned checkpoints match the other log\n"
               "  cross: %llu messages found in the other log, %llu in flight",
               (unsigned long long)r->cosigned, (unsigned long long)r->crossed,
               (unsigned long long)r->in_flight);
    printf("\n");
    if (r->ok) {
        printf("ok\n");
    } else if (r->bad_index >= 0) {
        printf("FAILED %s entry %lld (%s %s seq %llu): %s\n", r->bad_file,
               (long long)r->bad_index, dir_name(r->bad_dir), entry_kind(r->bad_dir, r->bad_kind),
               (unsigned long long)r->bad_seq, r->what);
    } else {
        printf("FAILED %s: %s\n", r->bad_file, r->what);
    }
}

static void print_json(const jmd_ledger_verify_result *r, const char *log, const char *peer)
{
    printf("{\"ok\": %s, \"log\": ", r->ok ? "true" : "false");
    jmd_cli_json_string(stdout, log);
    printf(", \"party\": ");
    jmd_cli_json_string(stdout, r->party);
    printf(", \"entries\": %llu", (unsigned long long)r->entries);
    if (peer) {
        printf(", \"peer\": ");
        jmd_cli_json_string(stdout, peer);
        printf(", \"peer_party\": ");
        jmd_cli_json_string(stdout, r->peer_party);
        printf(", \"peer_entries\": %llu", (unsigned long long)r->peer_entries);
    }
    printf(", \"checkpoints\": %llu, \"unsigned_checkpoints\": %llu, \"included\": %llu, "
           "\"signatures\": %llu, \"approvals\": %llu, \"approvals_unchecked\": %llu, "
           "\"cosignatures\": %llu, \"cosigned\": %llu, \"crossed\": %llu, \"in_flight\": %llu",
           (unsigned long long)r->checkpoints, (unsigned long long)r->unsigned_checkpoints,
           (unsigned long long)r->included, (unsigned long long)r->signatures,
           (unsigned long long)r->approvals, (unsigned long long)r->approvals_unchecked,
           (unsigned long long)r->cosignatures, (unsigned long long)r->cosigned,
           (unsigned long long)r->crossed, (unsigned long long)r->in_flight);
    if (!r->ok) {
        printf(", \"failure\": {\"file\": ");
        jmd_cli_json_string(stdout, r->bad_file);
        if (r->bad_index >= 0)
            printf(", \"index\": %lld, \"dir\": \"%s\", \"kind\": \"%s\", \"seq\": %llu",
                   (long long)r->bad_index, dir_name(r->bad_dir),
                   entry_kind(r->bad_dir, r->bad_kind), (unsigned long long)r->bad_seq);
        printf(", \"what\": ");
        jmd_cli_json_string(stdout, r->what);
        printf("}");
    }
    printf("}\n");
}

int jmd_cmd_verify(int argc, char **argv)
{
    const char *log = NULL, *peer = NULL, *window = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = NULL;
        if (strcmp(f, "--json") == 0) {
            if (json) return jmd_cli_usage_error(CMD, "--json: expected once, found it twice");
            json = 1;
            continue;
        }
        if (strcmp(f, "--peer") == 0 || strcmp(f, "--window") == 0) {
            if (jmd_cli_value(CMD, argc, argv, &i, &v) != 0) return JMD_EXIT_USAGE;
            const char **slot = strcmp(f, "--peer") == 0 ? &peer : &window;
            if (*slot) return jmd_cli_usage_error(CMD, "%s: expected once, found it twice", f);
            *slot = v;
            continue;
        }
        if (strncmp(f, "--", 2) == 0 || (f[0] == '-' && f[1] != '\0'))
            return jmd_cli_usage_error(CMD,
                                       "expected an option (see jmd verify --help), found "
                                       "\"%s\"",
                                       f);
        if (log)
            return jmd_cli_usage_error(CMD,
                                       "expected one LOG (use --peer for the other), "
                                       "found \"%s\" and \"%s\"",
                                       log, f);
        log = f;
    }
    if (!log) return jmd_cli_usage_error(CMD, "LOG: expected a log file, found nothing");
    double window_s = 10.0;
    if (window && jmd_cli_number(CMD, "--window", window, 0.0, 1e12,
                                 "a time in seconds, 0 or more", &window_s) != 0)
        return JMD_EXIT_USAGE;

    jmd_ledger_verify_result r;
    char err[512];
    int rc = jmd_ledger_log_verify(log, peer, window_s, &r, err, sizeof err);
    if (rc == JMD_ENOMEM) return jmd_cli_fail(CMD, "out of memory");
    if (rc != 0) {
        /* Name the flag that gave the unreadable file. */
        const char *which =
            peer && strncmp(err, peer, strlen(peer)) == 0 && strncmp(err, log, strlen(log)) != 0
                ? "--peer: "
                : "LOG: ";
        return jmd_cli_usage_error(CMD, "%s%s", which, err[0] ? err : jmd_strerror(rc));
    }
    if (json)
        print_json(&r, log, peer);
    else
        print_text(&r, log, peer);
    return r.ok ? JMD_EXIT_OK : JMD_EXIT_FAIL;
}
