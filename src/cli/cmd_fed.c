/*
 * cmd_fed.c — the federated system's commands (docs/federation.md):
 * `jmd world` (the simulated truth, one process), `jmd node` (one party's
 * node, one process each) and `jmd federate` (a whole federation on this
 * machine in one line: keys, federation file, one node process per party
 * and the world, then the results and the ledgers' checks).
 */
#define _POSIX_C_SOURCE 200809L /* fork, execv, kill, readlink, fileno */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "jmd/federate.h"
#include "jmd/ledger.h"
#include "jmd/scenario.h"

/* Flags the three commands share. */
typedef struct {
    const char *path, *fed, *run_tag, *model_arg, *outdir, *party, *key, *ledger;
    uint64_t seed;
    int have_seed, have_domain, quiet, resume, bad_approvals;
    uint32_t domain;
    double timeout;
    long crash_step;
} fed_args;

static int parse_model(const char *cmd, const char *arg, int *model)
{
    *model = -1;
    if (!arg) return 0;
    for (int m = 0; m < JMD_GOV_NMODELS; m++)
        if (strcmp(arg, jmd_gov_model_name((jmd_gov_model)m)) == 0) *model = m;
    if (*model >= 0) return 0;
    return jmd_cli_usage_error(cmd, "--model: expected independent, early-warning, connected, "
                                    "joint or sectoral, found \"%s\"",
                               arg);
}

static int check_tag(const char *cmd, const char *tag)
{
    size_t n = strlen(tag);
    int ok = n >= 1 && n <= 32;
    for (size_t i = 0; i < n && ok; i++) {
        char c = tag[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '_';
    }
    if (ok) return 0;
    return jmd_cli_usage_error(cmd, "--run: expected 1 to 32 letters, digits, '-' or '_', "
                                    "found \"%s\"",
                               tag);
}

/* Parses argv; `allowed` lists the flags this command takes. Returns 0 or
 * an exit status. */
static int parse_args(const char *cmd, int argc, char **argv, const char *allowed,
                      const char *expected, fed_args *a)
{
    memset(a, 0, sizeof *a);
    a->timeout = 60;
    a->crash_step = -1;
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v;
        /* a flag is a whole word of `allowed` (one with a blank in it is none) */
        if (f[0] == '-' && f[1] == '-' && !strchr(f, ' ') && strstr(allowed, f) &&
            strstr(allowed, f)[strlen(f)] == ' ') {
            if (strcmp(f, "--quiet") == 0) {
                a->quiet = 1;
                continue;
            }
            if (strcmp(f, "--resume") == 0) {
                a->resume = 1;
                continue;
            }
            if (strcmp(f, "--fault-bad-approvals") == 0) {
                a->bad_approvals = 1;
                continue;
            }
            if (jmd_cli_value(cmd, argc, argv, &i, &v) != 0) return JMD_EXIT_USAGE;
            if (strcmp(f, "--federation") == 0) a->fed = v;
            else if (strcmp(f, "--run") == 0) a->run_tag = v;
            else if (strcmp(f, "--model") == 0) a->model_arg = v;
            else if (strcmp(f, "--out") == 0) a->outdir = v;
            else if (strcmp(f, "--party") == 0) a->party = v;
            else if (strcmp(f, "--key") == 0) a->key = v;
            else if (strcmp(f, "--ledger") == 0) a->ledger = v;
            else if (strcmp(f, "--seed") == 0) {
                if (jmd_cli_seed(v, &a->seed) != 0)
                    return jmd_cli_usage_error(
                        cmd, "--seed: expected an unsigned 64-bit integer, found \"%s\"", v);
                a->have_seed = 1;
            } else if (strcmp(f, "--domain") == 0) {
                double d;
                if (jmd_cli_number(cmd, f, v, 0, JMD_FED_DOMAIN_MAX,
                                   "a DDS domain id, a whole number in [0, 232]", &d) != 0)
                    return JMD_EXIT_USAGE;
                if (d != (double)(long)d)
                    return jmd_cli_usage_error(cmd, "--domain: expected a whole number, found \"%s\"",
                                               v);
                a->domain = (uint32_t)d;
                a->have_domain = 1;
            } else if (strcmp(f, "--fault-crash-step") == 0) {
                double d;
                if (jmd_cli_number(cmd, f, v, 0, 1e9, "a step number, a whole number >= 0",
                                   &d) != 0)
                    return JMD_EXIT_USAGE;
                if (d != (double)(long)d)
                    return jmd_cli_usage_error(cmd, "%s: expected a whole number, found \"%s\"",
                                               f, v);
                a->crash_step = (long)d;
            } else if (strcmp(f, "--timeout") == 0) {
                if (jmd_cli_number(cmd, f, v, 1, 86400, "seconds in [1, 86400]", &a->timeout) != 0)
                    return JMD_EXIT_USAGE;
            }
        } else if (f[0] == '-' && f[1] != '\0') {
            return jmd_cli_usage_error(cmd, "expected %s (see jmd %s --help), found \"%s\"",
                                       expected, cmd, f);
        } else if (a->path) {
            return jmd_cli_usage_error(cmd, "expected one scenario file, found a second: \"%s\"", f);
        } else {
            a->path = f;
        }
    }
    if (!a->path || !a->path[0])
        return jmd_cli_usage_error(cmd, "SCENARIO: expected a scenario file, found %s",
                                   a->path ? "an empty name" : "nothing");
    if (a->run_tag && check_tag(cmd, a->run_tag) != 0) return JMD_EXIT_USAGE;
    if (a->outdir) {
        struct stat st;
        if (!a->outdir[0])
            return jmd_cli_usage_error(cmd, "--out: expected a directory, found an empty name");
        if (stat(a->outdir, &st) == 0 && !S_ISDIR(st.st_mode))
            return jmd_cli_usage_error(cmd, "--out: expected a directory, found the file \"%s\"",
                                       a->outdir);
    }
    return 0;
}

/* The federation file, when given: the domain it names unless --domain. */
static int load_fed(const char *cmd, fed_args *a, jmd_federation *fed)
{
    char err[512];
    memset(fed, 0, sizeof *fed);
    if (!a->fed) return 0;
    int rc = jmd_federation_load(a->fed, fed, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "jmd %s: --federation: %s\n", cmd, err);
        return JMD_EXIT_USAGE;
    }
    if (!a->have_domain && fed->has_domain) a->domain = fed->domain, a->have_domain = 1;
    return 0;
}

/* ---- jmd world --------------------------------------------------------- */

void jmd_cmd_world_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd world SCENARIO.yaml [--federation FILE] [--domain N] [--run TAG]\n"
            "                 [--model M] [--seed N] [--out DIR] [--timeout S] [--quiet]\n"
            "\n"
            "The simulated world of a federated run (docs/federation.md): flies the\n"
            "threats, makes each party's radar and satellite observations and writes them\n"
            "to that party's node only (one `jmd node` per party, started separately),\n"
            "takes the nodes' launch orders, resolves intercepts against the truth and\n"
            "sends kill assessments. Time advances in lockstep: a step begins only when\n"
            "every node has finished the last, so the result is the one `jmd run` gives\n"
            "for the same scenario, seed and model, whatever the machines' speed. The\n"
            "world waits for every node to join, then prints and writes what `jmd run`\n"
            "does.\n"
            "\n"
            "Options:\n"
            "  --federation FILE  the federation file (docs/federation.md; default: the\n"
            "                     scenario's `federation`); only its domain is used here\n"
            "  --domain N   DDS domain id 0..232 (default: the federation file's, else 0);\n"
            "               the world and the nodes must agree\n"
            "  --run TAG    run tag (1-32 of A-Z a-z 0-9 - _) in every topic name, so\n"
            "               two federations on one domain never mix (default: run)\n"
            "  --model M    cooperation model (default: the scenario's governance.model);\n"
            "               the nodes take it from the world\n"
            "  --seed N     run seed (default: the scenario's); the nodes take it from the\n"
            "               world\n"
            "  --out DIR    write DIR/events.jsonl, summary.json, scenario.kml/.czml and\n"
            "               report.html, as jmd run --out does\n"
            "  --timeout S  give up when a node is silent for S seconds (default 60)\n"
            "  --quiet      do not print the account\n"
            "  --help       this help\n"
            "\n"
            "Example (three shells; or jmd federate in one line):\n"
            "  jmd world examples/salvo.yaml --federation fed.txt --out out/world\n"
            "  jmd node examples/salvo.yaml --party NATO --key nato.key --federation fed.txt\n"
            "  jmd node examples/salvo.yaml --party Russia --key russia.key --federation fed.txt\n"
            "\n"
            "Exit status: 0 the run completed, 1 it failed (a node silent, DDS failed, a\n"
            "file could not be written), 2 bad usage or a bad scenario or federation file.\n");
}

typedef struct {
    jmd_world_opts wo;
} world_ctx;

static int world_sim(void *ctx, const jmd_scenario *sc, uint64_t seed, const jmd_sim_opts *so,
                     jmd_sim_result **res, char *err, size_t errlen)
{
    world_ctx *w = ctx;
    return jmd_world_run(sc, seed, so, &w->wo, res, err, errlen);
}

static const char WORLD_FLAGS[] =
    "--federation --domain --run --model --seed --out --timeout --quiet ";

static int world_main(const char *cmd, fed_args *a, jmd_scenario *sc)
{
    int model;
    if (parse_model(cmd, a->model_arg, &model) != 0) return JMD_EXIT_USAGE;
    world_ctx w;
    jmd_world_opts_default(&w.wo);
    w.wo.domain = a->domain;
    if (a->run_tag) snprintf(w.wo.run_tag, sizeof w.wo.run_tag, "%s", a->run_tag);
    w.wo.join_timeout_ms = w.wo.step_timeout_ms = (int)(a->timeout * 1000);
    uint64_t seed = a->have_seed ? a->seed : sc->seed;
    return jmd_cli_single_run(cmd, a->path, sc, seed, model, a->outdir, a->quiet, world_sim, &w);
}

int jmd_cmd_world(int argc, char **argv)
{
    fed_args a;
    jmd_federation fed;
    jmd_scenario *sc = NULL;
    char err[1024];
    int status = parse_args("world", argc, argv, WORLD_FLAGS,
                            "--federation, --domain, --run, --model, --seed, --out, --timeout or "
                            "--quiet",
                            &a);
    if (status != 0) return status;
    if (jmd_scenario_load(a.path, &sc, err, sizeof err) != 0) {
        fprintf(stderr, "jmd world: %s\n", err);
        return JMD_EXIT_USAGE;
    }
    if (!a.fed && sc->federation[0]) a.fed = sc->federation; /* the scenario names one */
    if ((status = load_fed("world", &a, &fed)) != 0) {
        jmd_scenario_free(sc);
        return status;
    }
    status = world_main("world", &a, sc);
    jmd_scenario_free(sc);
    return status;
}

/* ---- jmd node ---------------------------------------------------------- */

void jmd_cmd_node_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd node SCENARIO.yaml --party NAME --key FILE [--federation FILE]\n"
            "                [--ledger FILE] [--resume] [--domain N] [--run TAG] [--model M]\n"
            "                [--timeout S] [--quiet]\n"
            "\n"
            "One party's national node of a federated run (docs/federation.md): its\n"
            "tracker fed by its own sensors, its release policy, fusion, engagement\n"
            "planning and governance, commanding its own interceptors, exchanging\n"
            "messages with the other parties' nodes over Cyclone DDS (loopback only).\n"
            "Every message it sends carries a MAC under the pair key agreed with the\n"
            "receiver (tracks, warnings, outcomes) or its Ed25519 signature (proposals,\n"
            "votes, launch orders, checkpoints); every message it receives must pass the\n"
            "same check, come from another party of the federation, be addressed to it\n"
            "and carry a sequence number above those already accepted, or it is refused.\n"
            "All of it (sent, received, refused with the reason, the world's inputs) goes\n"
            "into the party's ledger, an append-only SQLite log hashed as an RFC 9162\n"
            "Merkle tree (check it with jmd verify). The node runs until the world ends\n"
            "the run, then prints what it did.\n"
            "\n"
            "Options:\n"
            "  --party NAME       the party this node is (a party of the scenario; required)\n"
            "  --key FILE         its key file from jmd keygen (required)\n"
            "  --federation FILE  every party's public key (docs/federation.md); required\n"
            "                     unless the scenario names one (`federation: FILE`)\n"
            "  --ledger FILE      the ledger to create (default: NAME.ledger); it must not\n"
            "                     exist, unless --resume\n"
            "  --resume           restart a node that stopped (a crash, SIGKILL) from its\n"
            "                     ledger: replay it, write again what the others may have\n"
            "                     missed, and carry on in the same run\n"
            "  --domain N         DDS domain id (default: the federation file's, else 0)\n"
            "  --run TAG          the world's run tag (default: run)\n"
            "  --model M          refuse to run unless the world runs model M\n"
            "  --timeout S        give up when nothing arrives for S seconds (default 60)\n"
            "  --quiet            print nothing on success\n"
            "  --fault-crash-step N  fault injection for tests: the node kills itself with\n"
            "                     SIGKILL in step N, after sending its messages and before\n"
            "                     committing its ledger (restart it with --resume)\n"
            "  --fault-bad-approvals  fault injection for tests: the node's approval\n"
            "                     signatures (joint model) do not verify\n"
            "  --help             this help\n"
            "\n"
            "Example:\n"
            "  jmd node examples/salvo.yaml --party NATO --key nato.key --federation fed.txt\n"
            "\n"
            "Exit status: 0 the run completed, 1 it failed (DDS, the ledger, a silent\n"
            "world), 2 bad usage, a bad scenario, key or federation file.\n");
}

static const char NODE_FLAGS[] =
    "--party --key --federation --ledger --resume --domain --run --model --timeout --quiet "
    "--fault-crash-step --fault-bad-approvals ";

static int node_main(const char *cmd, fed_args *a, const jmd_federation *fed,
                     const jmd_scenario *sc, int *out_status)
{
    char err[1024];
    int status = JMD_EXIT_USAGE, rc;
    jmd_node_opts o;
    jmd_ledger_log *log = NULL;
    jmd_node_report rep;
    char ledger_path[4096];
    jmd_node_opts_default(&o);
    if (parse_model(cmd, a->model_arg, &o.model) != 0) goto done;
    int party = -1;
    for (size_t p = 0; p < sc->nparties; p++)
        if (strcmp(sc->parties[p].name, a->party) == 0) party = (int)p;
    if (party < 0) {
        jmd_cli_usage_error(cmd, "--party: expected a party of the scenario, found \"%s\"",
                            a->party);
        goto done;
    }
    o.party = party;
    if ((rc = jmd_ledger_key_load(a->key, &o.key, err, sizeof err)) != 0) {
        fprintf(stderr, "jmd %s: --key: %s\n", cmd, err);
        goto done;
    }
    if (strcmp(o.key.party, a->party) != 0) {
        jmd_cli_usage_error(cmd, "--key: expected the key of party \"%s\", found the key of "
                                 "\"%s\"",
                            a->party, o.key.party);
        goto done;
    }
    if (jmd_federation_keys(fed, sc, o.pk, a->fed, err, sizeof err) != 0) {
        fprintf(stderr, "jmd %s: --federation: %s\n", cmd, err);
        goto done;
    }
    if (memcmp(o.pk[party], o.key.pk, JMD_LEDGER_PK_SIZE) != 0) {
        jmd_cli_usage_error(cmd, "--key: expected the public key %s lists for \"%s\", found "
                                 "another key",
                            a->fed, a->party);
        goto done;
    }
    o.domain = a->domain;
    if (a->run_tag) snprintf(o.run_tag, sizeof o.run_tag, "%s", a->run_tag);
    o.timeout_ms = (int)(a->timeout * 1000);
    if (a->ledger) snprintf(ledger_path, sizeof ledger_path, "%s", a->ledger);
    else snprintf(ledger_path, sizeof ledger_path, "%s.ledger", a->party);
    {
        struct stat st;
        int exists = stat(ledger_path, &st) == 0;
        if (exists && !a->resume) {
            jmd_cli_usage_error(cmd, "--ledger: expected a new file, found the existing \"%s\" "
                                     "(a node never appends to an old run's ledger; --resume "
                                     "restarts a node that stopped)",
                                ledger_path);
            goto done;
        }
        if (!exists && a->resume) {
            jmd_cli_usage_error(cmd, "--resume: expected the ledger of the node to restart, "
                                     "found no file \"%s\"",
                                ledger_path);
            goto done;
        }
    }
    o.resume = a->resume;
    o.crash_at_step = a->crash_step;
    o.fault_bad_approvals = a->bad_approvals;
    if ((rc = jmd_ledger_log_open(ledger_path, a->party, o.key.pk, !a->resume, &log, err,
                                  sizeof err)) != 0) {
        if (rc == JMD_EPARSE || rc == JMD_EVERIFY || rc == JMD_EINVAL)
            jmd_cli_usage_error(cmd, "--ledger: %s", err);
        else status = jmd_cli_fail(cmd, "--ledger: %s", err);
        goto done;
    }
    for (size_t p = 0; p < sc->nparties && !a->resume; p++)
        if ((rc = jmd_ledger_log_register_peer(log, (int)p, sc->parties[p].name, o.pk[p])) != 0) {
            status = jmd_cli_fail(cmd, "--ledger: cannot record the parties' keys: %s",
                                  jmd_strerror(rc));
            goto done;
        }
    o.log = log;
    rc = jmd_node_run(sc, &o, &rep, err, sizeof err);
    if (rc != 0) {
        status = jmd_cli_fail(cmd, "party \"%s\": %s", a->party, err);
        goto done;
    }
    if (!a->quiet) {
        jmd_merkle_hash root;
        char hex[65] = "";
        if (jmd_ledger_log_root(log, &root) == 0) jmd_ledger_hex(root.b, 32, hex);
        printf("node %s: %lld steps; proposals %d, approvals %d, vetoes %d; %llu messages "
               "refused\n",
               a->party, (long long)rep.steps, rep.stats.proposals, rep.stats.approvals,
               rep.stats.vetoes, (unsigned long long)rep.rejected);
        if (rep.stats.bad_approvals || rep.stats.bad_orders || rep.stats.unsigned_refused)
            printf("  approvals refused for a missing or bad signature: %d; partners' launch "
                   "orders not counted (approvals did not verify): %d; own rounds not fired for "
                   "a missing signature: %d\n",
                   rep.stats.bad_approvals, rep.stats.bad_orders, rep.stats.unsigned_refused);
        if (rep.resumed_at >= 0)
            printf("  resumed from the ledger at step %lld (%llu entries replayed; %llu copies "
                   "of messages it already held re-received and dropped)\n",
                   (long long)rep.resumed_at, (unsigned long long)rep.replayed,
                   (unsigned long long)rep.resync_dups);
        for (int i = 0; i < rep.nreasons; i++) printf("  refused: %s\n", rep.reasons[i]);
        for (int i = 0; i < rep.nnotes; i++) printf("  recorded: %s\n", rep.notes[i]);
        printf("ledger %s: %llu entries, root %s\n", ledger_path,
               (unsigned long long)jmd_ledger_log_size(log), hex);
    }
    status = JMD_EXIT_OK;
done:
    jmd_ledger_log_close(log);
    jmd_ledger_keypair_wipe(&o.key);
    *out_status = status;
    return status;
}

int jmd_cmd_node(int argc, char **argv)
{
    fed_args a;
    jmd_federation fed;
    jmd_scenario *sc = NULL;
    char err[1024];
    int status = parse_args("node", argc, argv, NODE_FLAGS,
                            "--party, --key, --federation, --ledger, --resume, --domain, --run, "
                            "--model, --timeout, --quiet or --fault-crash-step",
                            &a);
    if (status != 0) return status;
    if (!a.party) return jmd_cli_usage_error("node", "--party: expected a party name, found nothing");
    if (!a.key) return jmd_cli_usage_error("node", "--key: expected a key file, found nothing");
    if (jmd_scenario_load(a.path, &sc, err, sizeof err) != 0) {
        fprintf(stderr, "jmd node: %s\n", err);
        return JMD_EXIT_USAGE;
    }
    if (!a.fed && sc->federation[0]) a.fed = sc->federation; /* the scenario names one */
    if (!a.fed) {
        jmd_scenario_free(sc);
        return jmd_cli_usage_error("node", "--federation: expected a federation file (or a "
                                           "`federation` key in the scenario), found nothing");
    }
    if ((status = load_fed("node", &a, &fed)) != 0) {
        jmd_scenario_free(sc);
        return status;
    }
    node_main("node", &a, &fed, sc, &status);
    jmd_scenario_free(sc);
    return status;
}

/* ---- jmd federate ------------------------------------------------------ */

void jmd_cmd_federate_help(FILE *out)
{
    fprintf(out,
            "Usage: jmd federate SCENARIO.yaml [--out DIR] [--model M] [--seed N]\n"
            "                    [--domain N] [--timeout S] [--quiet]\n"
            "\n"
            "A whole federation on this machine in one line (docs/federation.md): makes a\n"
            "key pair per party (DIR/keys/PARTY.key) and the federation file\n"
            "(DIR/federation.txt), starts one `jmd node` process per party (its output in\n"
            "DIR/PARTY.out, its ledger DIR/PARTY.ledger), runs the world in this process\n"
            "over Cyclone DDS on loopback, then checks every ledger and every pair of\n"
            "ledgers with jmd verify's checks. Prints and writes what `jmd run --out`\n"
            "does; the outcome and events.jsonl are those of `jmd run` with the same\n"
            "scenario, model and seed.\n"
            "\n"
            "Options:\n"
            "  --out DIR    where everything goes (default: federation); created if missing;\n"
            "               keys, ledgers or a federation.txt already there are an error,\n"
            "               never overwritten\n"
            "  --model M    cooperation model (default: the scenario's)\n"
            "  --seed N     run seed (default: the scenario's)\n"
            "  --domain N   DDS domain id 0..232 (default 0; a run tag made from the process\n"
            "               id keeps concurrent federations apart)\n"
            "  --timeout S  give up when a process is silent for S seconds (default 60)\n"
            "  --quiet      do not print the account\n"
            "  --help       this help\n"
            "\n"
            "Example:\n"
            "  jmd federate examples/salvo.yaml --out out/federation\n"
            "\n"
            "Exit status: 0 the run completed and every ledger verified, 1 it failed (a\n"
            "node failed, a ledger did not verify, a file could not be written), 2 bad\n"
            "usage or a bad scenario.\n");
}

static const char FEDERATE_FLAGS[] = "--out --model --seed --domain --timeout --quiet ";

int jmd_cmd_federate(int argc, char **argv)
{
    const char *cmd = "federate";
    fed_args a;
    jmd_scenario *sc = NULL;
    char err[1024], path[4096], tag[33], self[4096];
    pid_t pids[JMD_MSG_MAX_PARTIES];
    size_t npids = 0;
    int status = parse_args(cmd, argc, argv, FEDERATE_FLAGS,
                            "--out, --model, --seed, --domain, --timeout or --quiet", &a);
    if (status != 0) return status;
    if (!a.outdir) a.outdir = "federation";
    int model;
    if (parse_model(cmd, a.model_arg, &model) != 0) return JMD_EXIT_USAGE;
    if (jmd_scenario_load(a.path, &sc, err, sizeof err) != 0) {
        fprintf(stderr, "jmd %s: %s\n", cmd, err);
        return JMD_EXIT_USAGE;
    }
    /* An earlier federation's files are never overwritten: refuse before
     * writing anything (the federation file first of all). */
    for (size_t i = 0; i <= 2 * sc->nparties; i++) {
        struct stat st;
        if (i == 2 * sc->nparties) snprintf(path, sizeof path, "%s/federation.txt", a.outdir);
        else
            snprintf(path, sizeof path, i % 2 ? "%s/%s.ledger" : "%s/keys/%s.key", a.outdir,
                     sc->parties[i / 2].name);
        if (stat(path, &st) == 0) {
            jmd_cli_usage_error(cmd, "--out: expected a directory without an earlier "
                                     "federation's keys, ledgers or federation.txt, found the "
                                     "existing \"%s\"",
                                path);
            jmd_scenario_free(sc);
            return JMD_EXIT_USAGE;
        }
    }
    status = JMD_EXIT_FAIL;
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) {
        jmd_cli_fail(cmd, "cannot find this program (/proc/self/exe): %s", strerror(errno));
        goto done;
    }
    self[sl] = '\0';
    snprintf(path, sizeof path, "%s/keys", a.outdir);
    if ((mkdir(a.outdir, 0777) != 0 && errno != EEXIST) || (mkdir(path, 0700) != 0 && errno != EEXIST)) {
        jmd_cli_fail(cmd, "--out: cannot create \"%s\": %s", path, strerror(errno));
        goto done;
    }
    /* Keys and the federation file. */
    snprintf(path, sizeof path, "%s/federation.txt", a.outdir);
    FILE *ff = fopen(path, "w");
    if (!ff) {
        jmd_cli_fail(cmd, "--out: cannot write \"%s\": %s", path, strerror(errno));
        goto done;
    }
    fprintf(ff, "# jmd federation file written by jmd federate for %s\njmd-federation 1\n",
            a.path);
    if (a.have_domain) fprintf(ff, "domain %u\n", (unsigned)a.domain);
    for (size_t p = 0; p < sc->nparties; p++) {
        jmd_ledger_keypair kp;
        char hex[65], kpath[4096];
        snprintf(kpath, sizeof kpath, "%s/keys/%s.key", a.outdir, sc->parties[p].name);
        if (jmd_ledger_keypair_generate(&kp, sc->parties[p].name) != 0 ||
            jmd_ledger_key_save(kpath, &kp, err, sizeof err) != 0) {
            jmd_ledger_keypair_wipe(&kp);
            fclose(ff);
            jmd_cli_fail(cmd, "party \"%s\": cannot make its key: %s", sc->parties[p].name,
                         err);
            goto done;
        }
        jmd_ledger_hex(kp.pk, 32, hex);
        fprintf(ff, "party %s\npublic %s\n", sc->parties[p].name, hex);
        jmd_ledger_keypair_wipe(&kp);
    }
    if (fclose(ff) != 0) {
        jmd_cli_fail(cmd, "--out: writing \"%s\" failed", path);
        goto done;
    }
    snprintf(tag, sizeof tag, "fed%ld", (long)getpid());
    char dom[16], tmo[32];
    snprintf(dom, sizeof dom, "%u", (unsigned)a.domain);
    snprintf(tmo, sizeof tmo, "%g", a.timeout);
    fflush(stdout);
    fflush(stderr);
    for (size_t p = 0; p < sc->nparties; p++) {
        char kpath[4096], lpath[4096], opath[4096];
        const char *name = sc->parties[p].name;
        snprintf(kpath, sizeof kpath, "%s/keys/%s.key", a.outdir, name);
        snprintf(lpath, sizeof lpath, "%s/%s.ledger", a.outdir, name);
        snprintf(opath, sizeof opath, "%s/%s.out", a.outdir, name);
        pid_t pid = fork();
        if (pid < 0) {
            jmd_cli_fail(cmd, "cannot start the node of \"%s\": %s", name, strerror(errno));
            goto done;
        }
        if (pid == 0) {
            FILE *o = freopen(opath, "w", stdout);
            if (o && dup2(fileno(stdout), 2) >= 0) {
                char *args[] = {self,        "node",   (char *)a.path, "--party", (char *)name,
                                "--key",     kpath,    "--federation", path,      "--ledger",
                                lpath,       "--domain", dom,          "--run",   tag,
                                "--timeout", tmo,      NULL};
                execv(self, args);
            }
            _exit(127);
        }
        pids[npids++] = pid;
    }
    a.run_tag = tag;
    status = world_main(cmd, &a, sc);
    /* The nodes end when the world does. If the world failed, a node that
     * knows why (its own error, in PARTY.out) gets a few seconds to say so
     * before it is ended. */
    if (status != JMD_EXIT_OK) {
        int left = (int)npids;
        int exited[JMD_MSG_MAX_PARTIES] = {0}, wsv[JMD_MSG_MAX_PARTIES] = {0};
        for (int tick = 0; tick < 50 && left > 0; tick++) {
            for (size_t i = 0; i < npids; i++)
                if (!exited[i] && waitpid(pids[i], &wsv[i], WNOHANG) == pids[i])
                    exited[i] = 1, left--;
            if (left > 0) {
                struct timespec ts = {0, 100000000L};
                nanosleep(&ts, NULL);
            }
        }
        for (size_t i = 0; i < npids; i++) {
            if (!exited[i]) {
                kill(pids[i], SIGTERM);
                waitpid(pids[i], NULL, 0);
            }
            fprintf(stderr, "jmd %s: the node of \"%s\" %s (see %s/%s.out)\n", cmd,
                    sc->parties[i].name,
                    !exited[i] ? "was still waiting and was ended"
                    : WIFEXITED(wsv[i]) && WEXITSTATUS(wsv[i]) == 0 ? "had finished"
                                                                     : "failed",
                    a.outdir, sc->parties[i].name);
        }
        npids = 0;
        goto done;
    }
    for (size_t i = 0; i < npids; i++) {
        int ws = 0;
        if (waitpid(pids[i], &ws, 0) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
            fprintf(stderr, "jmd %s: the node of \"%s\" failed (see %s/%s.out)\n", cmd,
                    sc->parties[i].name, a.outdir, sc->parties[i].name);
            if (status == JMD_EXIT_OK) status = JMD_EXIT_FAIL;
        }
    }
    npids = 0;
    if (status != JMD_EXIT_OK) goto done;
    /* Every ledger, alone and against every other. */
    for (size_t p = 0; p < sc->nparties; p++)
        for (size_t q = p; q < sc->nparties; q++) {
            char lp[4096], lq[4096];
            snprintf(lp, sizeof lp, "%s/%s.ledger", a.outdir, sc->parties[p].name);
            snprintf(lq, sizeof lq, "%s/%s.ledger", a.outdir, sc->parties[q].name);
            jmd_ledger_verify_result vr;
            int vrc = jmd_ledger_log_verify(lp, q == p ? NULL : lq, 10.0, &vr, err,
                                            sizeof err);
            if (vrc != 0 || !vr.ok) {
                fprintf(stderr, "jmd %s: ledger check failed: %s%s%s\n", cmd,
                        vrc != 0 ? err : vr.bad_file, vrc != 0 ? "" : ": ",
                        vrc != 0 ? "" : vr.what);
                status = JMD_EXIT_FAIL;
            } else if (q == p) {
                /* printed even with --quiet (it hides the account only) */
                printf("Verified %s: %llu entries, %llu checkpoints, %llu signatures, %llu "
                       "approvals\n",
                       lp, (unsigned long long)vr.entries, (unsigned long long)vr.checkpoints,
                       (unsigned long long)vr.signatures, (unsigned long long)vr.approvals);
            } else {
                printf("Cross-checked %s and %s: %llu messages found in both, %llu cosigned "
                       "checkpoints match\n",
                       lp, lq, (unsigned long long)vr.crossed, (unsigned long long)vr.cosigned);
            }
        }
    if (status == JMD_EXIT_OK)
        printf("Federation of %zu node processes and the world: outputs, keys and ledgers in "
               "%s/ (node reports in %s/PARTY.out)\n",
               sc->nparties, a.outdir, a.outdir);
done:
    for (size_t i = 0; i < npids; i++) {
        kill(pids[i], SIGTERM);
        waitpid(pids[i], NULL, 0);
    }
    jmd_scenario_free(sc);
    return status;
}
