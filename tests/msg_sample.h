/*
 * tests/msg_sample.h — the payload of a sample message of every kind, typical
 * (edge 0) or at the edges of the wire format (edge 1), shared by the tests
 * of the encoding (test_msg.c, whose golden bytes depend on it) and of the
 * DDS transport (test_dds.c). The caller sets the envelope; proposer, voter
 * and origin fill the payloads' party fields.
 */
#ifndef JMD_TESTS_MSG_SAMPLE_H
#define JMD_TESTS_MSG_SAMPLE_H

#include <float.h>
#include <math.h>
#include <stdint.h>

#include "jmd/msg.h"

#ifndef PI
#define PI 3.14159265358979323846
#endif

static void sample_payload(jmd_msg *m, int kind, int edge, int proposer, int voter, int origin)
{
    switch (kind) {
    case JMD_MSG_MEASUREMENT: {
        jmd_msg_measurement *p = &m->u.measurement;
        p->radar = edge ? JMD_MSG_MAX_SITES - 1 : 3;
        p->t = edge ? DBL_MAX : 100.25;
        p->range = edge ? 0.0 : 1.5e6;
        p->az = edge ? nextafter(2 * PI, 0) : 1.0;
        p->el = edge ? -PI / 2 : 0.2;
        break;
    }
    case JMD_MSG_LAUNCH_WARNING: {
        jmd_msg_launch_warning *p = &m->u.warning;
        p->track_id = edge ? JMD_MSG_NO_ID : 7;
        p->flags = (uint8_t)(edge ? 0 : JMD_MSG_WARN_IMPACT);
        p->t_launch = edge ? -DBL_MAX : 60.0;
        p->launch_lat = edge ? PI / 2 : 0.6;
        p->launch_lon = edge ? -PI : 0.9;
        p->azimuth = edge ? 0.0 : 5.5;
        if (!edge) {
            p->impact_lat = 0.8;
            p->impact_lon = 0.4;
            p->t_impact = 900.0;
            p->sigma_impact_pos = 5e3;
            p->sigma_t_impact = 10;
        }
        p->sigma_launch_pos = edge ? 4.9e-324 : 2e3;
        p->sigma_t_launch = 5;
        p->sigma_az = 0.05;
        break;
    }
    case JMD_MSG_TRACK: {
        jmd_msg_track *p = &m->u.track;
        p->track_id = edge ? 0 : 12;
        p->status = edge ? JMD_MSG_TRACK_DROPPED : JMD_MSG_TRACK_FIRM;
        p->t = 300.0;
        for (int i = 0; i < 6; i++) p->x[i] = edge ? (i % 2 ? -DBL_MAX : -0.0) : 1e6 * (i + 1);
        for (int i = 0; i < 6; i++)
            for (int j = i; j < 6; j++)
                p->P[i][j] = p->P[j][i] = i == j ? (edge ? 0.0 : 100.0 * (i + 1))
                                                 : (edge ? -DBL_MIN : 0.5 * (i - j));
        p->precision = edge ? 1e300 : 1000.0;
        break;
    }
    case JMD_MSG_PROPOSAL: {
        jmd_msg_proposal *p = &m->u.proposal;
        p->proposal_id = edge ? UINT64_MAX : 0x0102030405060708ULL;
        p->proposer = (uint8_t)proposer;
        p->track_id = 12;
        p->site = edge ? 0 : 2;
        p->t_commit = 400;
        p->t_launch = 410;
        p->t_intercept = 700;
        p->icpt_lat = edge ? -PI / 2 : 0.7;
        p->icpt_lon = edge ? PI : 0.5;
        p->icpt_alt = edge ? -1e4 : 150e3;
        p->asset = edge ? -1 : 4;
        p->value = edge ? -0.0 : 0.95;
        break;
    }
    case JMD_MSG_VOTE: {
        jmd_msg_vote *p = &m->u.vote;
        p->proposal_id = 9;
        p->voter = (uint8_t)voter;
        p->approve = edge ? 0 : 1;
        p->t_decision = edge ? 4.9e-324 : 405.5;
        if (!edge) { /* an approval with its signature; the edge reject carries none */
            p->sig_len = JMD_MSG_AUTH_MAX;
            for (int i = 0; i < JMD_MSG_AUTH_MAX; i++) p->sig[i] = (uint8_t)(0x40 + i);
        }
        break;
    }
    case JMD_MSG_LAUNCH_ORDER: {
        jmd_msg_launch_order *p = &m->u.order;
        p->proposal_id = 9;
        p->track_id = 12;
        p->site = 2;
        p->t_launch = 410;
        p->t_intercept = 700;
        p->napprovals = edge ? JMD_MSG_MAX_PARTIES : 2;
        for (int k = 0; k < p->napprovals; k++) {
            p->approvals[k].party = (uint8_t)k;
            if (edge) {
                p->approvals[k].sig_len = JMD_MSG_AUTH_MAX;
                for (int i = 0; i < JMD_MSG_AUTH_MAX; i++)
                    p->approvals[k].sig[i] = (uint8_t)(k * 7 + i);
            }
        }
        break;
    }
    case JMD_MSG_OUTCOME: {
        jmd_msg_outcome *p = &m->u.outcome;
        p->shot_id = 9;
        p->track_id = 12;
        p->site = 2;
        p->killed = edge ? 0 : 1;
        p->t_intercept = 700.125;
        break;
    }
    case JMD_MSG_CHECKPOINT: {
        jmd_msg_checkpoint *p = &m->u.checkpoint;
        p->origin = (uint8_t)origin;
        p->log_size = edge ? UINT64_MAX : 1000;
        for (int i = 0; i < 32; i++) p->root[i] = (uint8_t)(edge ? 0xFF : i);
        p->prev_size = edge ? UINT64_MAX : 500;
        p->nproof = edge ? JMD_MSG_CKPT_PROOF_MAX : 2;
        for (int k = 0; k < p->nproof; k++)
            for (int i = 0; i < 32; i++) p->proof[k][i] = (uint8_t)(k * 32 + i);
        break;
    }
    }
}

#endif
