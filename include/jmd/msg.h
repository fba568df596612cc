/*
 * jmd/msg.h — the messages parties exchange, as plain data with one
 * canonical byte encoding: the single definition of jmd's wire format
 * (the DDS IDL of the federated system mirrors it). DESIGN.md §6;
 * docs/messages.md gives the layout byte by byte.
 *
 * A jmd_msg is an envelope (version on the wire, kind, sender, receiver,
 * sequence number, simulation time, authenticator) around one payload, a
 * tagged union selected by the kind. The encoding is little-endian,
 * fixed-width, without padding; doubles travel as their IEEE-754 binary64
 * bit patterns and must be finite (NaN and infinities are never valid on
 * the wire; -0.0 is kept as is). There is exactly one encoding of each
 * valid message: jmd_msg_decode(jmd_msg_encode(m)) == m field for field
 * and jmd_msg_encode(jmd_msg_decode(b)) == b byte for byte, and every
 * other byte string (trailing bytes, a non-zero unused field, a value out
 * of range) is rejected with JMD_EPARSE and a reason.
 *
 * Everything here is pure: no allocation, no global state, reentrant.
 * Encoding and decoding are on the per-message hot path of the bus (a few
 * hundred nanoseconds per message).
 */
#ifndef JMD_MSG_H
#define JMD_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "jmd/common.h"
#include "jmd/track.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Message kinds; the values are part of the wire format. */
typedef enum {
    JMD_MSG_MEASUREMENT = 1,  /* never leaves its party (kept for the party's own log) */
    JMD_MSG_LAUNCH_WARNING = 2, /* JDEC content: launch time and point, azimuth, predicted impact point and time */
    JMD_MSG_TRACK = 3,        /* a track state and covariance */
    JMD_MSG_PROPOSAL = 4,     /* an engagement proposal (joint model) */
    JMD_MSG_VOTE = 5,         /* a party's vote on a proposal */
    JMD_MSG_LAUNCH_ORDER = 6, /* the authorised launch (carries the authorising votes) */
    JMD_MSG_OUTCOME = 7,      /* an intercept's kill assessment */
    JMD_MSG_CHECKPOINT = 8    /* a signed log checkpoint (federated record) */
} jmd_msg_kind;

#define JMD_MSG_KIND_MAX 8
/* Bit for a kind in a kinds mask (release policies). */
#define JMD_MSG_BIT(kind) (1u << (unsigned)(kind))

/* ---- limits and constants (part of the wire format) --------------------- */

#define JMD_MSG_VERSION 1         /* the only version this code reads and writes */
#define JMD_MSG_MAX_PARTIES 32    /* party indices are 0 .. JMD_MSG_MAX_PARTIES-1 */
#define JMD_MSG_BROADCAST (-1)    /* receiver: every other party (0xFF on the wire) */
#define JMD_MSG_MAX_SITES 65535   /* site and radar indices are 0 .. 65534 (u16) */
#define JMD_MSG_AUTH_MAX 64       /* bytes of an authenticator or a signature */
#define JMD_MSG_NO_ID UINT64_MAX  /* an id field that refers to nothing */
#define JMD_MSG_HEADER_SIZE 24    /* bytes before the payload */
#define JMD_MSG_MAX_PAYLOAD 2147  /* largest payload: a LaunchOrder with 32 signed approvals */
#define JMD_MSG_MAX_SIZE 2237     /* largest encoding: header + payload + 2 + JMD_MSG_AUTH_MAX */

/* Authenticator schemes. Only NONE (with no bytes) is produced today; the
 * ledger work defines MAC (32 bytes, per-pair key) and SIG (64 bytes,
 * Ed25519), whose lengths the decoder already enforces. The authenticator
 * covers the encoding's first JMD_MSG_HEADER_SIZE + payload bytes. */
typedef enum {
    JMD_MSG_AUTH_NONE = 0,
    JMD_MSG_AUTH_MAC = 1, /* 32 bytes */
    JMD_MSG_AUTH_SIG = 2  /* 64 bytes */
} jmd_msg_auth_scheme;

typedef struct {
    uint8_t scheme;                  /* jmd_msg_auth_scheme */
    uint8_t len;                     /* 0 for NONE, 32 for MAC, 64 for SIG */
    uint8_t bytes[JMD_MSG_AUTH_MAX]; /* bytes past len are not encoded (ignored) */
} jmd_msg_auth;

/* ---- payloads ------------------------------------------------------------
 * Units SI and radians; times are simulation seconds since the epoch.
 * Every double must be finite. Angle ranges: latitudes [-pi/2, pi/2],
 * longitudes [-pi, pi], azimuths [0, 2pi), elevations [-pi/2, pi/2].
 * Accuracies (sigmas), precisions and ranges are >= 0. */

/* One radar measurement, for the party's own log; never sent to another
 * party (the bus refuses it). */
typedef struct {
    uint16_t radar;       /* index of the radar in the scenario */
    double t;             /* scan time */
    double range, az, el; /* m, rad, rad */
} jmd_msg_measurement;

/* Flag of jmd_msg_launch_warning.flags: the impact fields are set. */
#define JMD_MSG_WARN_IMPACT 0x01u

/* A launch warning: the content of the 1998/2000 US-Russia JDEC memorandum
 * (launch time and point, azimuth, predicted impact point and time). A
 * warning from a satellite alone has no impact prediction: flags lacks
 * JMD_MSG_WARN_IMPACT and every impact field must then be 0. */
typedef struct {
    uint64_t track_id;         /* the sender's track, JMD_MSG_NO_ID if none */
    uint8_t flags;             /* JMD_MSG_WARN_*; other bits must be 0 */
    double t_launch;           /* estimated launch time */
    double launch_lat, launch_lon;
    double azimuth;            /* launch azimuth, clockwise from north */
    double impact_lat, impact_lon;
    double t_impact;           /* predicted impact time */
    double sigma_launch_pos;   /* m, 1-sigma per horizontal axis */
    double sigma_t_launch;     /* s */
    double sigma_az;           /* rad */
    double sigma_impact_pos;   /* m */
    double sigma_t_impact;     /* s */
} jmd_msg_launch_warning;

typedef enum {
    JMD_MSG_TRACK_TENTATIVE = 0,
    JMD_MSG_TRACK_FIRM = 1,
    JMD_MSG_TRACK_COASTING = 2,
    JMD_MSG_TRACK_DROPPED = 3
} jmd_msg_track_status;

/* A track. P must be exactly symmetric (P[i][j] == P[j][i] bit for bit):
 * only its upper triangle travels (21 doubles, row by row); the diagonal
 * must be >= 0. jmd_msg_track_set fills one from a jmd_track_est. */
typedef struct {
    uint64_t track_id;  /* the sender's track id */
    uint8_t status;     /* jmd_msg_track_status */
    double t;           /* time of the state */
    double x[6];        /* ECI position m and velocity m/s */
    double P[6][6];     /* covariance */
    double precision;   /* m, the position grid the sender's release policy applied (0: full) */
} jmd_msg_track;

/* An engagement proposal (joint model). */
typedef struct {
    uint64_t proposal_id;
    uint8_t proposer;      /* party index */
    uint64_t track_id;
    uint16_t site;         /* firing site index in the scenario */
    double t_commit;       /* latest time of decision */
    double t_launch, t_intercept;
    double icpt_lat, icpt_lon, icpt_alt; /* rad, rad, m (geodetic height) */
    int32_t asset;         /* defended asset index, -1 for none */
    double value;          /* the proposer's value of the engagement */
} jmd_msg_proposal;

/* A party's vote. An approval carries the voter's Ed25519 signature over
 * the canonical proposal (jmd_ledger_approval_sign: sig_len 64), which a
 * LaunchOrder then quotes; sig_len 0 is an approval without one (models
 * that do not sign). A reject carries none: approve 0 requires sig_len 0. */
typedef struct {
    uint64_t proposal_id;
    uint8_t voter;       /* party index */
    uint8_t approve;     /* 1 approve, 0 reject */
    double t_decision;   /* when the vote was decided */
    uint8_t sig_len;     /* 0 or JMD_MSG_AUTH_MAX */
    uint8_t sig[JMD_MSG_AUTH_MAX]; /* bytes past sig_len are not encoded (zero after decoding) */
} jmd_msg_vote;

/* One approving party of a launch order, with room for its signature over
 * the canonical proposal (empty today: sig_len 0, or 64 for Ed25519). */
typedef struct {
    uint8_t party;
    uint8_t sig_len;                 /* 0 or JMD_MSG_AUTH_MAX */
    uint8_t sig[JMD_MSG_AUTH_MAX];
} jmd_msg_approval;

/* An authorised launch. Approvals are in strictly increasing party order
 * (no duplicates), at most JMD_MSG_MAX_PARTIES. */
typedef struct {
    uint64_t proposal_id;
    uint64_t track_id;
    uint16_t site;
    double t_launch, t_intercept;
    uint8_t napprovals;
    jmd_msg_approval approvals[JMD_MSG_MAX_PARTIES];
} jmd_msg_launch_order;

/* An intercept's kill assessment. */
typedef struct {
    uint64_t shot_id;    /* the proposal id in the joint model, else the shooter's shot id */
    uint64_t track_id;
    uint16_t site;
    uint8_t killed;      /* 1 killed, 0 missed */
    double t_intercept;
} jmd_msg_outcome;

/* Most hashes in a checkpoint's consistency proof: enough for any log
 * below 2^47 entries (a proof has at most ceil(log2 log_size) + 1). */
#define JMD_MSG_CKPT_PROOF_MAX 48

/* A log checkpoint (docs/ledger.md, "Checkpoints and cosigning"): the
 * RFC 9162 tree head (size, root) of the origin party's log, and the
 * consistency proof from the origin's previous published checkpoint.
 * origin == the envelope's sender for one's own checkpoint; another party
 * for a cosignature of that party's checkpoint. prev_size <= log_size;
 * hashes past nproof are not encoded (zero after decoding). */
typedef struct {
    uint8_t origin;        /* party index whose log this is */
    uint64_t log_size;     /* entries in the log */
    uint8_t root[32];      /* RFC 9162 root of those entries */
    uint64_t prev_size;    /* size of the origin's previous checkpoint, 0 for the first */
    uint8_t nproof;        /* 0 .. JMD_MSG_CKPT_PROOF_MAX */
    uint8_t proof[JMD_MSG_CKPT_PROOF_MAX][32]; /* RFC 9162 §2.1.4 proof prev_size -> log_size */
} jmd_msg_checkpoint;

/* ---- the message ----------------------------------------------------- */

/* The envelope and its payload. Plain data: copy with =, no pointers. */
typedef struct {
    jmd_msg_kind kind;
    int sender;       /* party index, 0 .. JMD_MSG_MAX_PARTIES-1 */
    int receiver;     /* party index, or JMD_MSG_BROADCAST */
    uint64_t seq;     /* sender's sequence number (the bus assigns it; see jmd/exchange.h) */
    double t;         /* simulation time of sending */
    union {
        jmd_msg_measurement measurement;
        jmd_msg_launch_warning warning;
        jmd_msg_track track;
        jmd_msg_proposal proposal;
        jmd_msg_vote vote;
        jmd_msg_launch_order order;
        jmd_msg_outcome outcome;
        jmd_msg_checkpoint checkpoint;
    } u;              /* the member named by kind */
    jmd_msg_auth auth;
} jmd_msg;

/* "measurement", "launch-warning", "track", "proposal", "vote",
 * "launch-order", "outcome", "checkpoint"; "unknown" otherwise. */
const char *jmd_msg_kind_name(int kind);

/* 0 when m is a valid message (every rule the decoder enforces), else
 * JMD_EINVAL with the first violation written to err (NUL-terminated,
 * truncated to errlen; err may be NULL when errlen is 0). */
int jmd_msg_check(const jmd_msg *m, char *err, size_t errlen);

/* Bytes of m's encoding (header, payload, authenticator trailer), or 0
 * when m is NULL or its kind unknown. Does not validate the fields. */
size_t jmd_msg_encoded_size(const jmd_msg *m);

/* Writes m's canonical encoding into buf[0 .. cap) and its length to *len.
 * JMD_EINVAL when m fails jmd_msg_check or a pointer is NULL (buf's
 * contents are then unspecified: the rules are checked as it is written);
 * JMD_ERANGE when cap is too small (*len then holds the size needed, buf
 * is not touched). */
int jmd_msg_encode(const jmd_msg *m, uint8_t *buf, size_t cap, size_t *len);

/* 1 when enc[0 .. len) is, by a cheap test, m's encoding as
 * jmd_msg_encode made it: the length is m's encoded size and the header's
 * kind and sequence number are m's; 0 otherwise (and for NULL pointers).
 * For a caller that holds both (it encoded m for its authenticator) and
 * hands them on together, so the receiver of the pair need not walk m
 * again: m passed every rule when it was encoded. Builds without NDEBUG
 * compare every byte instead, so a caller that changed m after encoding
 * it is caught by the tests. */
int jmd_msg_encoding_matches(const jmd_msg *m, const uint8_t *enc, size_t len);

/* Decodes exactly len bytes (untrusted input) into *out. JMD_EPARSE for
 * any byte string that is not the canonical encoding of a valid message,
 * with "byte OFFSET: what was expected, what was found" in err (same rules
 * as jmd_msg_check); *out is unspecified then. JMD_EINVAL for a NULL buf
 * with len > 0 or a NULL out. Bytes past an approval's or a vote's
 * sig_len, past a checkpoint's nproof and past auth.len are zeroed in
 * *out. */
int jmd_msg_decode(const uint8_t *buf, size_t len, jmd_msg *out, char *err, size_t errlen);

/* Fills t from a track estimate: state, time, and the covariance made
 * exactly symmetric ((P + P') / 2); id, status and precision as given.
 * JMD_EINVAL for NULL pointers. */
int jmd_msg_track_set(jmd_msg_track *t, const jmd_track_est *e, uint64_t track_id,
                      jmd_msg_track_status status, double precision);

#ifdef __cplusplus
}
#endif
#endif /* JMD_MSG_H */
