/*
 * auth.c — signatures, pair keys and MACs, and the authenticator of a
 * jmd_msg (jmd/ledger.h, "keys and signatures"; docs/ledger.md).
 *
 * Decisive messages are signed with Ed25519 (RFC 8032); high-rate ones
 * carry HMAC-SHA-256 under a key the two parties agree by X25519 from
 * their Ed25519 key pairs, hashed with both public keys in byte order and
 * a context string, so both sides derive the same key and no other pair
 * does. The authenticator covers the message's canonical encoding up to
 * the trailer (header and payload, docs/messages.md), which holds the
 * sender, receiver and sequence number: a MAC cannot be reflected back to
 * its sender or replayed under another number without failing.
 *
 * Workload: a MAC per high-rate message (about a microsecond for a
 * 300-byte track, most of it encoding the message), a signature per
 * decisive message (tens of microseconds), a pair-key derivation per peer
 * at start-up. The HMAC is OpenSSL's SHA-256 (sha.c says why: the SHA
 * extensions make it about 4x faster than libsodium's per message); the
 * rest is libsodium. No allocation; secrets in temporaries are wiped with
 * sodium_memzero / OPENSSL_cleanse.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <sodium.h>

#include "core/core__fail.h"
#include "jmd/error.h"
#include "jmd/ledger.h"
#include "ledger/ledger__sha.h"

#define PAIR_CONTEXT "jmd-ledger-pair-key-v1"

int jmd_ledger_sign(const jmd_ledger_keypair *kp, const uint8_t *msg, size_t len,
                    uint8_t sig[JMD_LEDGER_SIG_SIZE])
{
    static const uint8_t none = 0;
    if (!kp || !sig || (!msg && len > 0)) return JMD_EINVAL;
    if (jmd_ledger_crypto_init()) return JMD_EIO;
    crypto_sign_ed25519_detached(sig, NULL, msg ? msg : &none, len, kp->sk);
    return 0;
}

int jmd_ledger_verify(const uint8_t pk[JMD_LEDGER_PK_SIZE], const uint8_t *msg, size_t len,
                      const uint8_t sig[JMD_LEDGER_SIG_SIZE])
{
    static const uint8_t none = 0;
    if (!pk || !sig || (!msg && len > 0)) return JMD_EINVAL;
    if (jmd_ledger_crypto_init()) return JMD_EIO;
    return crypto_sign_ed25519_verify_detached(sig, msg ? msg : &none, len, pk) == 0
               ? 0
               : JMD_EVERIFY;
}

/* jmd_ledger_pair_key.mid_ok when mid holds the states of mid_key. */
#define MID_OK 0x4a4d444bu

int jmd_ledger_pair_key_derive(const jmd_ledger_keypair *self,
                               const uint8_t peer_pk[JMD_LEDGER_PK_SIZE],
                               jmd_ledger_pair_key *out)
{
    if (!self || !peer_pk || !out) return JMD_EINVAL;
    if (jmd_ledger_crypto_init()) return JMD_EIO;
    int cmp = memcmp(self->pk, peer_pk, JMD_LEDGER_PK_SIZE);
    if (cmp == 0) return JMD_EINVAL; /* a party has no pair key with itself */

    uint8_t xsk[crypto_scalarmult_curve25519_SCALARBYTES];
    uint8_t xpk[crypto_scalarmult_curve25519_BYTES];
    uint8_t shared[crypto_scalarmult_curve25519_BYTES];
    int rc = JMD_EINVAL;
    /* The peer key must be a valid Ed25519 point; the conversion refuses
     * small-order points and non-canonical encodings. */
    if (crypto_sign_ed25519_pk_to_curve25519(xpk, peer_pk) != 0) goto fail_pk;
    if (crypto_sign_ed25519_sk_to_curve25519(xsk, self->sk) != 0) goto fail_sk;
    /* crypto_scalarmult fails on an all-zero result (small-order input). */
    if (crypto_scalarmult_curve25519(shared, xsk, xpk) != 0) goto fail_dh;

    const uint8_t *lo = cmp < 0 ? self->pk : peer_pk;
    const uint8_t *hi = cmp < 0 ? peer_pk : self->pk;
    crypto_generichash_blake2b_state st;
    crypto_generichash_blake2b_init(&st, NULL, 0, JMD_LEDGER_PAIR_KEY_SIZE);
    crypto_generichash_blake2b_update(&st, (const uint8_t *)PAIR_CONTEXT,
                                      sizeof PAIR_CONTEXT - 1);
    crypto_generichash_blake2b_update(&st, shared, sizeof shared);
    crypto_generichash_blake2b_update(&st, lo, JMD_LEDGER_PK_SIZE);
    crypto_generichash_blake2b_update(&st, hi, JMD_LEDGER_PK_SIZE);
    crypto_generichash_blake2b_final(&st, out->key, sizeof out->key);
    sodium_memzero(&st, sizeof st);
    /* The HMAC's keyed states, once (jmd_ledger_pair_key); without them
     * (a libcrypto failure) the MAC is computed from the key each time. */
    out->mid_ok = 0;
    if (jmd_ledger__hmac_prepare(out->key, out->mid) == 0) {
        memcpy(out->mid_key, out->key, sizeof out->key);
        out->mid_ok = MID_OK;
    }
    rc = 0;
fail_dh:
    sodium_memzero(shared, sizeof shared);
fail_sk:
    sodium_memzero(xsk, sizeof xsk);
fail_pk:
    return rc;
}

void jmd_ledger_pair_key_wipe(jmd_ledger_pair_key *k)
{
    if (k) sodium_memzero(k, sizeof *k);
}

_Static_assert(sizeof ((jmd_ledger_pair_key *)0)->key == crypto_verify_32_BYTES &&
                   sizeof ((jmd_ledger_pair_key *)0)->mid_key == crypto_verify_32_BYTES &&
                   JMD_LEDGER_MAC_SIZE == crypto_verify_32_BYTES,
               "keys and MACs are compared with crypto_verify_32");

/* The MAC from k's keyed states when they are k's key's (constant-time
 * compare: which bytes of a hand-edited key differ must not leak), else
 * from the key. */
static int mac_of(const jmd_ledger_pair_key *k, const uint8_t *msg, size_t len,
                  uint8_t mac[JMD_LEDGER_MAC_SIZE])
{
    /* crypto_verify_32, not CRYPTO_memcmp: both constant-time, but
     * OpenSSL's is a byte loop (~1 % of bench_fed's sender in perf, for
     * one 32-byte compare per MAC). */
    if (k->mid_ok == MID_OK && crypto_verify_32(k->mid_key, k->key) == 0)
        return jmd_ledger__hmac_mid(k->mid, msg, len, mac);
    return jmd_ledger__hmac_sha256(k->key, msg, len, mac);
}

int jmd_ledger_mac(const jmd_ledger_pair_key *k, const uint8_t *msg, size_t len,
                   uint8_t mac[JMD_LEDGER_MAC_SIZE])
{
    static const uint8_t none = 0;
    if (!k || !mac || (!msg && len > 0)) return JMD_EINVAL;
    if (jmd_ledger_crypto_init()) return JMD_EIO;
    return mac_of(k, msg ? msg : &none, len, mac);
}

int jmd_ledger_mac_verify(const jmd_ledger_pair_key *k, const uint8_t *msg, size_t len,
                          const uint8_t mac[JMD_LEDGER_MAC_SIZE])
{
    static const uint8_t none = 0;
    if (!k || !mac || (!msg && len > 0)) return JMD_EINVAL;
    if (jmd_ledger_crypto_init()) return JMD_EIO;
    uint8_t want[JMD_LEDGER_MAC_SIZE];
    int rc = mac_of(k, msg ? msg : &none, len, want);
    /* Constant time: how many leading bytes matched must not leak. */
    if (rc == 0 && crypto_verify_32(want, mac) != 0) rc = JMD_EVERIFY;
    OPENSSL_cleanse(want, sizeof want);
    return rc;
}

/* ---- the authenticator of a message --------------------------------------- */


/* The bytes an authenticator covers: m's encoding with an empty trailer,
 * less the trailer (scheme and length bytes). */
static int covered(const jmd_msg *m, uint8_t buf[JMD_MSG_MAX_SIZE], size_t *len, char *err,
                   size_t errlen)
{
    jmd_msg tmp = *m;
    tmp.auth.scheme = JMD_MSG_AUTH_NONE;
    tmp.auth.len = 0;
    size_t n = 0;
    /* The encoding checks the message as it writes it; the check again
     * only to say why, when it fails. */
    if (jmd_msg_encode(&tmp, buf, JMD_MSG_MAX_SIZE, &n) != 0 || n < 2) {
        if (jmd_msg_check(&tmp, err, errlen) != 0) return JMD_EINVAL;
        return jmd__fail(JMD_EINVAL, err, errlen, "the message cannot be encoded");
    }
    *len = n - 2;
    return 0;
}

/* The authenticator is the encoding's trailer (scheme, length, bytes),
 * after the bytes it covers: the covered encoding, with the trailer
 * written after it, is exactly jmd_msg_encode's encoding of the message
 * with that authenticator (tests/test_keys.c checks it for every kind). */
static size_t put_trailer(uint8_t *buf, size_t n, const jmd_msg_auth *a)
{
    buf[n] = a->scheme;
    buf[n + 1] = a->len;
    memcpy(buf + n + 2, a->bytes, a->len);
    return n + 2 + a->len;
}

/* Signs (kp) or MACs (k) the covered encoding of m in enc, sets m->auth
 * and appends the trailer: one encoding for the authenticator and the
 * bytes returned. m is untouched on failure. */
static int auth_make(jmd_msg *m, const jmd_ledger_keypair *kp, const jmd_ledger_pair_key *k,
                     uint8_t enc[JMD_MSG_MAX_SIZE], size_t *len)
{
    uint8_t tag[JMD_LEDGER_SIG_SIZE];
    size_t n = 0;
    int rc = covered(m, enc, &n, NULL, 0);
    if (rc) return rc;
    rc = kp ? jmd_ledger_sign(kp, enc, n, tag) : jmd_ledger_mac(k, enc, n, tag);
    if (rc) return rc;
    memset(&m->auth, 0, sizeof m->auth);
    m->auth.scheme = kp ? JMD_MSG_AUTH_SIG : JMD_MSG_AUTH_MAC;
    m->auth.len = kp ? JMD_LEDGER_SIG_SIZE : JMD_LEDGER_MAC_SIZE;
    memcpy(m->auth.bytes, tag, m->auth.len);
    *len = put_trailer(enc, n, &m->auth);
    return 0;
}

int jmd_ledger_auth_sign_enc(jmd_msg *m, const jmd_ledger_keypair *kp,
                             uint8_t enc[JMD_MSG_MAX_SIZE], size_t *len)
{
    if (!m || !kp || !enc || !len) return JMD_EINVAL;
    return auth_make(m, kp, NULL, enc, len);
}

int jmd_ledger_auth_mac_enc(jmd_msg *m, const jmd_ledger_pair_key *k,
                            uint8_t enc[JMD_MSG_MAX_SIZE], size_t *len)
{
    if (!m || !k || !enc || !len) return JMD_EINVAL;
    return auth_make(m, NULL, k, enc, len);
}

int jmd_ledger_auth_sign(jmd_msg *m, const jmd_ledger_keypair *kp)
{
    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t n = 0;
    return jmd_ledger_auth_sign_enc(m, kp, buf, &n);
}

int jmd_ledger_auth_mac(jmd_msg *m, const jmd_ledger_pair_key *k)
{
    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t n = 0;
    return jmd_ledger_auth_mac_enc(m, k, buf, &n);
}

int jmd_ledger_auth_verify(const jmd_msg *m, const uint8_t *pk, const jmd_ledger_pair_key *k,
                           char *err, size_t errlen)
{
    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t n = 0;
    return jmd_ledger_auth_verify_enc(m, pk, k, buf, &n, err, errlen);
}

/* The scheme's rules for m's authenticator (a known scheme, its length, a
 * key to check it with): 0, or JMD_EVERIFY with the reason. */
static int auth_usable(const jmd_msg *m, const uint8_t *pk, const jmd_ledger_pair_key *k,
                       const char *kind, char *err, size_t errlen)
{
    switch (m->auth.scheme) {
    case JMD_MSG_AUTH_SIG:
        if (m->auth.len != JMD_LEDGER_SIG_SIZE)
            return jmd__fail(JMD_EVERIFY, err, errlen,
                             "%s from party %d: expected a %d-byte signature, found %u bytes",
                             kind, m->sender, JMD_LEDGER_SIG_SIZE, (unsigned)m->auth.len);
        if (!pk)
            return jmd__fail(JMD_EVERIFY, err, errlen,
                             "%s from party %d: a signature, but no public key to check it",
                             kind, m->sender);
        return 0;
    case JMD_MSG_AUTH_MAC:
        if (m->auth.len != JMD_LEDGER_MAC_SIZE)
            return jmd__fail(JMD_EVERIFY, err, errlen,
                             "%s from party %d: expected a %d-byte MAC, found %u bytes", kind,
                             m->sender, JMD_LEDGER_MAC_SIZE, (unsigned)m->auth.len);
        if (!k)
            return jmd__fail(JMD_EVERIFY, err, errlen,
                             "%s from party %d: a MAC, but no pair key to check it", kind,
                             m->sender);
        return 0;
    case JMD_MSG_AUTH_NONE:
        return jmd__fail(JMD_EVERIFY, err, errlen,
                         "%s from party %d: expected an authenticator, found none", kind,
                         m->sender);
    default:
        return jmd__fail(JMD_EVERIFY, err, errlen,
                         "%s from party %d: expected auth scheme 1 (MAC) or 2 (signature), "
                         "found %u",
                         kind, m->sender, (unsigned)m->auth.scheme);
    }
}

/* m's authenticator (usable: auth_usable) checked over the covered bytes
 * cov[0 .. n): 0, or JMD_EVERIFY with the reason. */
static int auth_check(const jmd_msg *m, const uint8_t *pk, const jmd_ledger_pair_key *k,
                      const char *kind, const uint8_t *cov, size_t n, char *err, size_t errlen)
{
    if (m->auth.scheme == JMD_MSG_AUTH_SIG) {
        if (jmd_ledger_verify(pk, cov, n, m->auth.bytes) != 0)
            return jmd__fail(JMD_EVERIFY, err, errlen,
                             "%s from party %d seq %llu: the signature does not verify under "
                             "the sender's key",
                             kind, m->sender, (unsigned long long)m->seq);
        return 0;
    }
    if (jmd_ledger_mac_verify(k, cov, n, m->auth.bytes) != 0)
        return jmd__fail(JMD_EVERIFY, err, errlen,
                         "%s from party %d seq %llu: the MAC does not verify under the pair key",
                         kind, m->sender, (unsigned long long)m->seq);
    return 0;
}

int jmd_ledger_auth_verify_enc(const jmd_msg *m, const uint8_t *pk, const jmd_ledger_pair_key *k,
                               uint8_t buf[JMD_MSG_MAX_SIZE], size_t *len, char *err,
                               size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!m || !buf || !len) return jmd__fail(JMD_EINVAL, err, errlen, "NULL message");
    const char *kind = jmd_msg_kind_name((int)m->kind);
    size_t n = 0;
    int rc;
    if ((rc = auth_usable(m, pk, k, kind, err, errlen)) != 0) return rc;
    if ((rc = covered(m, buf, &n, err, errlen)) != 0) return rc;
    if ((rc = auth_check(m, pk, k, kind, buf, n, err, errlen)) != 0) return rc;
    *len = put_trailer(buf, n, &m->auth);
    return 0;
}

int jmd_ledger_auth_verify_given(const jmd_msg *m, const uint8_t *pk,
                                 const jmd_ledger_pair_key *k, const uint8_t *enc, size_t len,
                                 char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!m || !enc) return jmd__fail(JMD_EINVAL, err, errlen, "NULL message");
    const char *kind = jmd_msg_kind_name((int)m->kind);
    int rc;
    if ((rc = auth_usable(m, pk, k, kind, err, errlen)) != 0) return rc;
    /* The covered bytes are the encoding less its trailer (put_trailer);
     * the trailer, which the check does not cover, must be m's own
     * authenticator (the bytes a ledger then records are the ones
     * checked). */
    const uint8_t *tr = len >= 2u + m->auth.len ? enc + len - 2u - m->auth.len : NULL;
    if (!tr || !jmd_msg_encoding_matches(m, enc, len) || tr[0] != m->auth.scheme ||
        tr[1] != m->auth.len || memcmp(tr + 2, m->auth.bytes, m->auth.len) != 0)
        return jmd__fail(JMD_EINVAL, err, errlen,
                         "%s from party %d seq %llu: the encoding given is not the message's",
                         kind, m->sender, (unsigned long long)m->seq);
    return auth_check(m, pk, k, kind, enc, len - 2u - m->auth.len, err, errlen);
}

/* ---- approval signatures --------------------------------------------------- */

/* "jmd-approval-v1" and its NUL: 16 bytes, a prefix no message encoding
 * starts with (an encoding starts with the version byte 1). */
static const uint8_t APPROVAL_PREFIX[16] = "jmd-approval-v1";

/* The bytes an approval signs: the prefix, then the canonical proposal's
 * encoding: the message with sequence number 0, addressed to all, with an
 * empty authenticator. The sequence number and addressee belong to one
 * copy's journey (a proposal goes to each partner as its own message, each
 * numbered by the bus after the proposer signed), not to what is
 * approved; sender, time and every payload field are bound. *len receives
 * their count. */
static int approval_bytes(const jmd_msg *proposal, uint8_t buf[16 + JMD_MSG_MAX_SIZE],
                          size_t *len)
{
    if (proposal->kind != JMD_MSG_PROPOSAL) return JMD_EINVAL;
    jmd_msg tmp = *proposal;
    memset(&tmp.auth, 0, sizeof tmp.auth);
    tmp.seq = 0;
    tmp.receiver = JMD_MSG_BROADCAST;
    size_t n = 0;
    memcpy(buf, APPROVAL_PREFIX, sizeof APPROVAL_PREFIX);
    if (jmd_msg_encode(&tmp, buf + sizeof APPROVAL_PREFIX, JMD_MSG_MAX_SIZE, &n) != 0)
        return JMD_EINVAL;
    *len = sizeof APPROVAL_PREFIX + n;
    return 0;
}

int jmd_ledger_approval_sign(const jmd_ledger_keypair *kp, const jmd_msg *proposal,
                             uint8_t sig[JMD_LEDGER_SIG_SIZE])
{
    if (!kp || !proposal || !sig) return JMD_EINVAL;
    uint8_t buf[16 + JMD_MSG_MAX_SIZE];
    size_t n = 0;
    int rc = approval_bytes(proposal, buf, &n);
    if (rc) return rc;
    return jmd_ledger_sign(kp, buf, n, sig);
}

int jmd_ledger_approval_verify(const uint8_t pk[JMD_LEDGER_PK_SIZE], const jmd_msg *proposal,
                               const uint8_t sig[JMD_LEDGER_SIG_SIZE])
{
    if (!pk || !proposal || !sig) return JMD_EINVAL;
    uint8_t buf[16 + JMD_MSG_MAX_SIZE];
    size_t n = 0;
    int rc = approval_bytes(proposal, buf, &n);
    if (rc) return rc;
    return jmd_ledger_verify(pk, buf, n, sig);
}
