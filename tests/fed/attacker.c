/*
 * attacker.c — a hostile participant for the federated fault tests
 * (tests/fed/run.sh). DDS itself authenticates no one here (DDS Security
 * is not configured), so anyone on the network can write into a node's
 * partition: exactly the threat jmd's own message authentication answers.
 *
 *   attacker inject DOMAIN TAG NPARTIES VICTIM SENDER
 *     joins as VICTIM to read copies of what is written to it, waits for
 *     the first MAC-authenticated message from SENDER, then writes into
 *     VICTIM's partition, posing as SENDER: the same frame again (a
 *     replay), a copy with one payload value changed (tampered), a message
 *     MACed under a key the attacker made up (forged), and a Proposal
 *     signed with the attacker's own Ed25519 key (forged signature), and
 *     two raw samples whose envelope names a sender that is not another
 *     party: index 7 (no such party) and the victim itself.
 *     Prints "injected 6" and exits 0, or 1 if nothing came within 60 s.
 *
 *   attacker edit LEDGER INDEX     changes the last byte of entry INDEX's data
 *   attacker reseq LEDGER INDEX    changes entry INDEX's sequence number
 *   attacker truncate LEDGER N     deletes every entry from index N on
 *     (a ledger edited behind its owner's back, straight through SQLite
 *     with tests/support/tamper.c, for jmd verify to catch).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tamper.h"

#include "federate/federate__dds.h"
#include "jmd.h" /* the IDL types (generated from src/federate/jmd.idl) */
#include "jmd/federate.h"
#include "jmd/ledger.h"

static int inject(int argc, char **argv)
{
    if (argc != 7) return 2;
    uint32_t domain = (uint32_t)atoi(argv[2]);
    const char *tag = argv[3];
    int np = atoi(argv[4]), victim = atoi(argv[5]), sender = atoi(argv[6]);
    char err[512];
    jmd_dds *spy = NULL, *fake = NULL;
    int rc = 1;
    if (jmd_dds_open(domain, victim, np, tag, &spy, err, sizeof err) != 0 ||
        jmd_dds_open(domain, sender, np, tag, &fake, err, sizeof err) != 0) {
        fprintf(stderr, "attacker: %s\n", err);
        goto out;
    }
    jmd_frame got;
    int have = 0;
    for (int tries = 0; tries < 600 && !have; tries++) {
        memset(&got, 0, sizeof got);
        int r = jmd_dds_take(spy, &got, 100);
        if (r == 1 && got.kind == JMD_FRAME_PEER && got.u.peer.m.sender == sender &&
            got.u.peer.m.auth.scheme == JMD_MSG_AUTH_MAC)
            have = 1;
        else if (r == 1)
            jmd_frame_clear(&got);
    }
    if (!have) {
        fprintf(stderr, "attacker: no MAC-authenticated message from party %d to %d in 60 s\n",
                sender, victim);
        goto out;
    }
    int n = 0;
    /* 1. replay: the very frame again */
    if (jmd_dds_write(fake, &got) == 0) n++;
    /* 2. tampered: one payload value changed, the MAC left as it was */
    jmd_frame t = got;
    jmd_msg *tm = &t.u.peer.m;
    tm->seq += 1000000;
    if (tm->kind == JMD_MSG_TRACK) tm->u.track.x[0] += 1000.0; /* 1 km off */
    else if (tm->kind == JMD_MSG_LAUNCH_WARNING) tm->u.warning.t_launch += 10.0;
    else if (tm->kind == JMD_MSG_OUTCOME) tm->u.outcome.killed ^= 1;
    if (jmd_dds_write(fake, &t) == 0) n++;
    /* 3. forged: MACed under a key the attacker derived from its own pair */
    jmd_ledger_keypair mine, other;
    jmd_ledger_pair_key k;
    uint8_t seed1[32], seed2[32];
    memset(seed1, 7, sizeof seed1);
    memset(seed2, 9, sizeof seed2);
    jmd_ledger_keypair_from_seed(&mine, "attacker", seed1);
    jmd_ledger_keypair_from_seed(&other, "other", seed2);
    jmd_ledger_pair_key_derive(&mine, other.pk, &k);
    jmd_frame fg = got;
    fg.u.peer.m.seq += 2000000;
    if (jmd_ledger_auth_mac(&fg.u.peer.m, &k) == 0 && jmd_dds_write(fake, &fg) == 0) n++;
    /* 4. a Proposal signed with the attacker's key, posing as the sender */
    jmd_frame pf;
    memset(&pf, 0, sizeof pf);
    pf.kind = JMD_FRAME_PEER;
    jmd_msg *m = &pf.u.peer.m;
    m->kind = JMD_MSG_PROPOSAL;
    m->sender = sender;
    m->receiver = victim;
    m->seq = got.u.peer.m.seq + 3000000;
    m->t = got.u.peer.m.t;
    m->u.proposal.proposal_id = 424242;
    m->u.proposal.proposer = (uint8_t)sender;
    m->u.proposal.t_commit = m->t + 10;
    m->u.proposal.t_launch = m->t + 10;
    m->u.proposal.t_intercept = m->t + 300;
    m->u.proposal.asset = -1;
    pf.u.peer.t_deliver = got.u.peer.t_deliver;
    if (jmd_ledger_auth_sign(m, &mine) == 0 && jmd_dds_write(fake, &pf) == 0) n++;
    /* 5, 6. unknown senders: raw samples past every write-side check */
    uint8_t mac[32];
    memset(mac, 0x5a, sizeof mac);
    int fake_senders[2] = {7, victim};
    for (int i = 0; i < 2; i++) {
        jmd_Outcome o;
        memset(&o, 0, sizeof o);
        o.env.sender = fake_senders[i];
        o.env.receiver = victim;
        o.env.seq = got.u.peer.m.seq + 4000000 + (uint64_t)i;
        o.env.t = got.u.peer.m.t;
        o.env.t_deliver = got.u.peer.t_deliver;
        o.env.auth_scheme = JMD_MSG_AUTH_MAC;
        o.env.auth._length = o.env.auth._maximum = 32;
        o.env.auth._buffer = mac;
        o.shot_id = 1;
        o.track_id = 1;
        o.t_intercept = got.u.peer.m.t + 100;
        if (jmd_dds__write_raw(fake, JMD_FRAME_PEER, JMD_MSG_OUTCOME, victim, &o) == 0) n++;
    }
    printf("injected %d\n", n);
    fflush(stdout);
    jmd_frame_clear(&got);
    rc = n == 6 ? 0 : 1;
out:
    jmd_dds_close(spy);
    jmd_dds_close(fake);
    return rc;
}

/* edit: the last byte of the entry's data flipped (its stored leaf hash
 * left as it was) */
static void flip_last(jmd_log_entry *e, void *ctx)
{
    uint8_t *copy = ctx;
    memcpy(copy, e->data, e->len);
    if (e->len) copy[e->len - 1] ^= 0x5A;
    e->data = copy;
}

/* reseq: the entry's sequence number moved on by one */
static void next_seq(jmd_log_entry *e, void *ctx)
{
    (void)ctx;
    e->seq++;
}

static int ledger_edit(const char *mode, const char *path, long arg)
{
    if (arg < 0) {
        fprintf(stderr, "attacker: %s: a negative entry index\n", path);
        return 1;
    }
    if (strcmp(mode, "truncate") == 0)
        /* the entries from N on, and the checkpoints that covered them:
         * the ledger looks whole, only the peer's cosignatures remember */
        return tamper_truncate(path, (uint64_t)arg) ? 1 : 0;
    if (strcmp(mode, "edit") == 0) {
        uint8_t *copy = malloc(JMD_LOG_DATA_MAX);
        int rc = copy ? tamper_entry(path, (uint64_t)arg, flip_last, copy, 0) : -1;
        free(copy);
        return rc ? 1 : 0;
    }
    return tamper_entry(path, (uint64_t)arg, next_seq, NULL, 0) ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "inject") == 0) return inject(argc, argv);
    if (argc == 4 && (strcmp(argv[1], "edit") == 0 || strcmp(argv[1], "truncate") == 0 ||
                      strcmp(argv[1], "reseq") == 0))
        return ledger_edit(argv[1], argv[2], atol(argv[3]));
    fprintf(stderr, "usage: attacker inject DOMAIN TAG NPARTIES VICTIM SENDER | "
                    "edit|reseq|truncate LEDGER N\n");
    return 2;
}
