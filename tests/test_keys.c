/* test_keys.c — party keys, signatures, pair keys and MACs, message
 * authenticators and key files (jmd/ledger.h "keys and signatures",
 * docs/ledger.md): the RFC 8032 §7.1 Ed25519 vectors (TEST 1, 2, 3, 1024,
 * SHA(abc)), both parties deriving one pair key, every flipped bit
 * failing, a message signed by A failing under B, the key file round trip
 * and a bad-key-file corpus where every case asserts its FILE:LINE:COL
 * message. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "jmd/ledger.h"
#include "jmd/msg.h"
#include "msg_sample.h"

/* ---- RFC 8032 §7.1 -------------------------------------------------------- */

static const char M1024[] =
    "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f5"
    "4e9f77b1e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37"
    "c93a1b270b20329d658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efc"
    "b8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b"
    "3b310da903401aa62100ab5d1a36553e06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573c"
    "b116dbefefd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204"
    "ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed185ce81bd84359d44254d95629e9855a94a7c1958"
    "d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
    "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f27088d78b7e883c8759d2c4f5c6"
    "5adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2"
    "cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128bab27af87a"
    "71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b"
    "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9"
    "b47acdb751fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb"
    "038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f672451"
    "7b65e614ad6808d6f6ee34dff7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
    "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e"
    "2ab47b57f7f7276cd419c17a3ca8e1b939ae49e488acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d"
    "5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e6aed3fb0"
    "f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5fb93246f6b1116398a346f1a641f3b041"
    "e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa9"
    "33a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380db2eaaa707b4c4185"
    "c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8cac60c905c"
    "15fc910840b94c00a0b9d0";

typedef struct {
    const char *name, *sk, *pk, *msg, *sig;
} vector;

static const vector RFC8032[] = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701"
     "cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d"
     "0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f7609"
     "84dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {"TEST 1024", "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
     "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e", M1024,
     "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c"
     "436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
    /* The message is SHA-512("abc") (FIPS 180-2). */
    {"TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a"
     "3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66"
     "431e0303dca179c138ac17ad9bef1177331a704"},
};
#define NVEC (sizeof RFC8032 / sizeof RFC8032[0])

static void unhex_or_fail(const char *hex, uint8_t *out, size_t n)
{
    assert_int_equal(strlen(hex), 2 * n);
    assert_int_equal(jmd_ledger_unhex(hex, out, n), 0);
}

static void keypair_of(int v, const char *party, jmd_ledger_keypair *kp)
{
    uint8_t seed[32];
    unhex_or_fail(RFC8032[v].sk, seed, 32);
    assert_int_equal(jmd_ledger_keypair_from_seed(kp, party, seed), 0);
}

static void test_rfc8032_vectors(void **state)
{
    (void)state;
    static uint8_t msg[1024];
    for (size_t v = 0; v < NVEC; v++) {
        const vector *t = &RFC8032[v];
        jmd_ledger_keypair kp;
        uint8_t pk[32], sig[64], want[64];
        size_t n = strlen(t->msg) / 2;
        keypair_of((int)v, "A", &kp);
        unhex_or_fail(t->pk, pk, 32);
        unhex_or_fail(t->sig, want, 64);
        unhex_or_fail(t->msg, msg, n);
        if (v == 3) assert_int_equal(n, 1023);
        /* The public key and the (deterministic) signature are the RFC's. */
        if (memcmp(kp.pk, pk, 32) != 0) fail_msg("%s: public key differs", t->name);
        assert_int_equal(jmd_ledger_sign(&kp, n ? msg : NULL, n, sig), 0);
        if (memcmp(sig, want, 64) != 0) fail_msg("%s: signature differs", t->name);
        assert_int_equal(jmd_ledger_verify(pk, msg, n, want), 0);
        /* Every flipped bit of the signature, the key or the message fails. */
        for (size_t b = 0; b < 8 * 64; b++) {
            sig[b / 8] ^= (uint8_t)(1u << (b % 8));
            if (jmd_ledger_verify(pk, msg, n, sig) != JMD_EVERIFY)
                fail_msg("%s: signature bit %zu flipped still verifies", t->name, b);
            sig[b / 8] ^= (uint8_t)(1u << (b % 8));
        }
        for (size_t b = 0; b < 8 * 32; b++) {
            pk[b / 8] ^= (uint8_t)(1u << (b % 8));
            if (jmd_ledger_verify(pk, msg, n, sig) == 0)
                fail_msg("%s: public key bit %zu flipped still verifies", t->name, b);
            pk[b / 8] ^= (uint8_t)(1u << (b % 8));
        }
        for (size_t b = 0; b < 8 * n; b += (n > 64 ? 61 : 1)) {
            msg[b / 8] ^= (uint8_t)(1u << (b % 8));
            if (jmd_ledger_verify(pk, msg, n, sig) != JMD_EVERIFY)
                fail_msg("%s: message bit %zu flipped still verifies", t->name, b);
            msg[b / 8] ^= (uint8_t)(1u << (b % 8));
        }
        /* One byte more or less fails too. */
        if (n > 0) assert_int_equal(jmd_ledger_verify(pk, msg, n - 1, sig), JMD_EVERIFY);
        assert_int_equal(jmd_ledger_verify(pk, msg, n + 1, sig), JMD_EVERIFY);
        jmd_ledger_keypair_wipe(&kp);
    }
}

static void test_sign_arguments(void **state)
{
    (void)state;
    jmd_ledger_keypair kp;
    uint8_t sig[64] = {0}, seed[32] = {0};
    keypair_of(0, "A", &kp);
    assert_int_equal(jmd_ledger_sign(NULL, NULL, 0, sig), JMD_EINVAL);
    assert_int_equal(jmd_ledger_sign(&kp, NULL, 1, sig), JMD_EINVAL);
    assert_int_equal(jmd_ledger_verify(NULL, NULL, 0, sig), JMD_EINVAL);
    assert_int_equal(jmd_ledger_keypair_from_seed(&kp, "", seed), JMD_EINVAL);
    assert_int_equal(jmd_ledger_keypair_from_seed(&kp, "-a", seed), JMD_EINVAL);
    assert_int_equal(jmd_ledger_keypair_from_seed(&kp, "a b", seed), JMD_EINVAL);
    assert_int_equal(jmd_ledger_keypair_generate(&kp, "USA"), 0);
    jmd_ledger_keypair kq;
    assert_int_equal(jmd_ledger_keypair_generate(&kq, "USA"), 0);
    assert_memory_not_equal(kp.pk, kq.pk, 32); /* fresh randomness */
    assert_string_equal(kp.party, "USA");
    assert_int_equal(jmd_ledger_sign(&kp, (const uint8_t *)"x", 1, sig), 0);
    assert_int_equal(jmd_ledger_verify(kp.pk, (const uint8_t *)"x", 1, sig), 0);
    assert_int_equal(jmd_ledger_verify(kq.pk, (const uint8_t *)"x", 1, sig), JMD_EVERIFY);
    jmd_ledger_keypair_wipe(&kp);
    jmd_ledger_keypair_wipe(NULL);
    static const uint8_t zero[sizeof kp] = {0};
    assert_memory_equal(&kp, zero, sizeof kp);
    char name[80];
    memset(name, 'a', sizeof name);
    name[JMD_LEDGER_PARTY_MAX] = '\0';
    assert_int_equal(jmd_ledger_party_name_check(name), 0);
    name[JMD_LEDGER_PARTY_MAX] = 'a';
    name[JMD_LEDGER_PARTY_MAX + 1] = '\0';
    assert_int_equal(jmd_ledger_party_name_check(name), JMD_EINVAL);
}

/* ---- pair keys and MACs ------------------------------------------------------ */

static void test_pair_key(void **state)
{
    (void)state;
    jmd_ledger_keypair a, b, c;
    jmd_ledger_pair_key ab, ba, ac, ca, bc;
    keypair_of(0, "A", &a);
    keypair_of(1, "B", &b);
    keypair_of(2, "C", &c);
    assert_int_equal(jmd_ledger_pair_key_derive(&a, b.pk, &ab), 0);
    assert_int_equal(jmd_ledger_pair_key_derive(&b, a.pk, &ba), 0);
    assert_int_equal(jmd_ledger_pair_key_derive(&a, c.pk, &ac), 0);
    assert_int_equal(jmd_ledger_pair_key_derive(&c, a.pk, &ca), 0);
    assert_int_equal(jmd_ledger_pair_key_derive(&b, c.pk, &bc), 0);
    /* Both sides derive the same key; each pair its own. */
    assert_memory_equal(ab.key, ba.key, 32);
    assert_memory_equal(ac.key, ca.key, 32);
    assert_memory_not_equal(ab.key, ac.key, 32);
    assert_memory_not_equal(ab.key, bc.key, 32);
    assert_memory_not_equal(ac.key, bc.key, 32);
    /* Deterministic: a second derivation gives the same bytes. */
    jmd_ledger_pair_key again;
    assert_int_equal(jmd_ledger_pair_key_derive(&a, b.pk, &again), 0);
    assert_memory_equal(again.key, ab.key, 32);
    /* No key with oneself, nor with a small-order or invalid point. */
    assert_int_equal(jmd_ledger_pair_key_derive(&a, a.pk, &again), JMD_EINVAL);
    uint8_t bad[32] = {0};
    assert_int_equal(jmd_ledger_pair_key_derive(&a, bad, &again), JMD_EINVAL);
    bad[0] = 1; /* the identity point */
    assert_int_equal(jmd_ledger_pair_key_derive(&a, bad, &again), JMD_EINVAL);
    memset(bad, 0xff, sizeof bad); /* y >= p: not canonical */
    assert_int_equal(jmd_ledger_pair_key_derive(&a, bad, &again), JMD_EINVAL);
    assert_int_equal(jmd_ledger_pair_key_derive(NULL, b.pk, &again), JMD_EINVAL);

    /* MAC and verify; every flipped bit of message, tag or key fails. */
    uint8_t msg[40], mac[32];
    for (int i = 0; i < 40; i++)
        msg[i] = (uint8_t)(7 * i + 1);
    assert_int_equal(jmd_ledger_mac(&ab, msg, sizeof msg, mac), 0);
    assert_int_equal(jmd_ledger_mac_verify(&ba, msg, sizeof msg, mac), 0);
    assert_int_equal(jmd_ledger_mac_verify(&ac, msg, sizeof msg, mac), JMD_EVERIFY);
    for (size_t bit = 0; bit < 8 * sizeof msg; bit++) {
        msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(jmd_ledger_mac_verify(&ab, msg, sizeof msg, mac), JMD_EVERIFY);
        msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    for (size_t bit = 0; bit < 8 * sizeof mac; bit++) {
        mac[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(jmd_ledger_mac_verify(&ab, msg, sizeof msg, mac), JMD_EVERIFY);
        mac[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ab.key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(jmd_ledger_mac_verify(&ab, msg, sizeof msg, mac), JMD_EVERIFY);
        ab.key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    assert_int_equal(jmd_ledger_mac_verify(&ab, msg, sizeof msg, mac), 0);
    assert_int_equal(jmd_ledger_mac(&ab, NULL, 0, mac), 0);
    assert_int_equal(jmd_ledger_mac_verify(&ab, NULL, 0, mac), 0);
    assert_int_equal(jmd_ledger_mac(NULL, msg, 1, mac), JMD_EINVAL);
    jmd_ledger_pair_key_wipe(&ab);
    jmd_ledger_pair_key_wipe(NULL);
}

/* ---- message authenticators -------------------------------------------------- */

static void vote_msg(jmd_msg *m)
{
    memset(m, 0, sizeof *m);
    m->kind = JMD_MSG_VOTE;
    m->sender = 0;
    m->receiver = JMD_MSG_BROADCAST;
    m->seq = 17;
    m->t = 250.5;
    m->u.vote.proposal_id = 99;
    m->u.vote.voter = 0;
    m->u.vote.approve = 1;
    m->u.vote.t_decision = 249.0;
}

static void outcome_msg(jmd_msg *m)
{
    memset(m, 0, sizeof *m);
    m->kind = JMD_MSG_OUTCOME;
    m->sender = 0;
    m->receiver = 1;
    m->seq = 5;
    m->t = 600.0;
    m->u.outcome.shot_id = 3;
    m->u.outcome.track_id = 8;
    m->u.outcome.site = 2;
    m->u.outcome.killed = 1;
    m->u.outcome.t_intercept = 598.25;
}

/* Every single-bit corruption of m's encoding is refused: either it no
 * longer decodes, or its authenticator no longer verifies. */
static void flip_every_bit(const jmd_msg *m, const uint8_t *pk, const jmd_ledger_pair_key *k)
{
    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t n;
    char err[256];
    assert_int_equal(jmd_msg_encode(m, buf, sizeof buf, &n), 0);
    jmd_msg d;
    assert_int_equal(jmd_msg_decode(buf, n, &d, err, sizeof err), 0);
    assert_int_equal(jmd_ledger_auth_verify(&d, pk, k, err, sizeof err), 0);
    for (size_t bit = 0; bit < 8 * n; bit++) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (jmd_msg_decode(buf, n, &d, err, sizeof err) == 0 &&
            jmd_ledger_auth_verify(&d, pk, k, err, sizeof err) == 0)
            fail_msg("bit %zu of %zu flipped still authenticates", bit, 8 * n);
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
}

static void test_auth_sig(void **state)
{
    (void)state;
    jmd_ledger_keypair a, b;
    keypair_of(0, "A", &a);
    keypair_of(1, "B", &b);
    jmd_msg m;
    char err[256];
    vote_msg(&m);
    assert_int_equal(jmd_ledger_auth_sign(&m, &a), 0);
    assert_int_equal(m.auth.scheme, JMD_MSG_AUTH_SIG);
    assert_int_equal(m.auth.len, 64);
    assert_int_equal(jmd_ledger_auth_verify(&m, a.pk, NULL, err, sizeof err), 0);
    assert_string_equal(err, "");
    /* The signature is Ed25519 over exactly header + payload. */
    uint8_t buf[JMD_MSG_MAX_SIZE];
    size_t n;
    assert_int_equal(jmd_msg_encode(&m, buf, sizeof buf, &n), 0);
    assert_int_equal(jmd_ledger_verify(a.pk, buf, n - 2 - 64, m.auth.bytes), 0);
    /* Signed by A, it does not verify under B. */
    assert_int_equal(jmd_ledger_auth_verify(&m, b.pk, NULL, err, sizeof err), JMD_EVERIFY);
    assert_string_equal(err, "vote from party 0 seq 17: the signature does not verify under "
                             "the sender's key");
    /* A pair key is no substitute for the signer's public key. */
    jmd_ledger_pair_key ab;
    assert_int_equal(jmd_ledger_pair_key_derive(&a, b.pk, &ab), 0);
    assert_int_equal(jmd_ledger_auth_verify(&m, NULL, &ab, err, sizeof err), JMD_EVERIFY);
    assert_string_equal(err, "vote from party 0: a signature, but no public key to check it");
    /* Changing any field after signing fails. */
    jmd_msg t = m;
    t.seq++;
    assert_int_equal(jmd_ledger_auth_verify(&t, a.pk, NULL, err, sizeof err), JMD_EVERIFY);
    t = m;
    t.u.vote.approve = 0;
    assert_int_equal(jmd_ledger_auth_verify(&t, a.pk, NULL, err, sizeof err), JMD_EVERIFY);
    flip_every_bit(&m, a.pk, NULL);
    /* Re-signing replaces an old authenticator. */
    t = m;
    assert_int_equal(jmd_ledger_auth_sign(&t, &b), 0);
    assert_int_equal(jmd_ledger_auth_verify(&t, b.pk, NULL, err, sizeof err), 0);
    /* No authenticator; an invalid message. */
    t = m;
    t.auth.scheme = JMD_MSG_AUTH_NONE;
    t.auth.len = 0;
    assert_int_equal(jmd_ledger_auth_verify(&t, a.pk, &ab, err, sizeof err), JMD_EVERIFY);
    assert_string_equal(err, "vote from party 0: expected an authenticator, found none");
    t = m;
    t.u.vote.approve = 2;
    assert_int_equal(jmd_ledger_auth_sign(&t, &a), JMD_EINVAL);
    assert_int_equal(jmd_ledger_auth_verify(&t, a.pk, NULL, err, sizeof err), JMD_EINVAL);
    assert_non_null(strstr(err, "approve"));
    assert_int_equal(jmd_ledger_auth_sign(NULL, &a), JMD_EINVAL);
    assert_int_equal(jmd_ledger_auth_verify(NULL, a.pk, NULL, NULL, 0), JMD_EINVAL);

    /* A launch order with 32 approvals: the largest message signs too. */
    memset(&t, 0, sizeof t);
    t.kind = JMD_MSG_LAUNCH_ORDER;
    t.sender = 1;
    t.receiver = JMD_MSG_BROADCAST;
    t.u.order.napprovals = JMD_MSG_MAX_PARTIES;
    for (int i = 0; i < JMD_MSG_MAX_PARTIES; i++) {
        t.u.order.approvals[i].party = (uint8_t)i;
        t.u.order.approvals[i].sig_len = 64;
        assert_int_equal(
            jmd_ledger_sign(&b, (const uint8_t *)"proposal", 8, t.u.order.approvals[i].sig), 0);
    }
    assert_int_equal(jmd_ledger_auth_sign(&t, &b), 0);
    assert_int_equal(jmd_msg_encoded_size(&t), JMD_MSG_MAX_SIZE);
    assert_int_equal(jmd_ledger_auth_verify(&t, b.pk, NULL, err, sizeof err), 0);
}

static void test_auth_mac(void **state)
{
    (void)state;
    jmd_ledger_keypair a, b, c;
    keypair_of(0, "A", &a);
    keypair_of(1, "B", &b);
    keypair_of(2, "C", &c);
    jmd_ledger_pair_key ab, ba, ac;
    assert_int_equal(jmd_ledger_pair_key_derive(&a, b.pk, &ab), 0);
    assert_int_equal(jmd_ledger_pair_key_derive(&b, a.pk, &ba), 0);
    assert_int_equal(jmd_ledger_pair_key_derive(&a, c.pk, &ac), 0);
    jmd_msg m;
    char err[256];
    outcome_msg(&m);
    assert_int_equal(jmd_ledger_auth_mac(&m, &ab), 0);
    assert_int_equal(m.auth.scheme, JMD_MSG_AUTH_MAC);
    assert_int_equal(m.auth.len, 32);
    /* B checks with its own derivation of the same key. */
    assert_int_equal(jmd_ledger_auth_verify(&m, NULL, &ba, err, sizeof err), 0);
    /* Another pair's key fails. */
    assert_int_equal(jmd_ledger_auth_verify(&m, NULL, &ac, err, sizeof err), JMD_EVERIFY);
    assert_string_equal(err, "outcome from party 0 seq 5: the MAC does not verify under the "
                             "pair key");
    assert_int_equal(jmd_ledger_auth_verify(&m, a.pk, NULL, err, sizeof err), JMD_EVERIFY);
    assert_string_equal(err, "outcome from party 0: a MAC, but no pair key to check it");
    /* Reflected back (sender and receiver swapped) or replayed under
     * another sequence number, it fails. */
    jmd_msg t = m;
    t.sender = 1;
    t.receiver = 0;
    assert_int_equal(jmd_ledger_auth_verify(&t, NULL, &ab, err, sizeof err), JMD_EVERIFY);
    t = m;
    t.seq = 6;
    assert_int_equal(jmd_ledger_auth_verify(&t, NULL, &ab, err, sizeof err), JMD_EVERIFY);
    /* A MAC is not a signature: the tag as a SIG of the wrong length. */
    t = m;
    t.auth.scheme = JMD_MSG_AUTH_SIG;
    assert_int_equal(jmd_ledger_auth_verify(&t, a.pk, &ab, err, sizeof err), JMD_EVERIFY);
    assert_string_equal(err,
                        "outcome from party 0: expected a 64-byte signature, found 32 bytes");
    flip_every_bit(&m, NULL, &ab);
}

/* The *_enc variants give exactly jmd_msg_encode's bytes of the message
 * with its new authenticator, for every kind, typical and edge values, MAC
 * and signature alike; verify_enc gives the same bytes back, and nothing
 * when the authenticator fails. */
static void test_auth_enc(void **state)
{
    (void)state;
    jmd_ledger_keypair a, b;
    keypair_of(0, "A", &a);
    keypair_of(1, "B", &b);
    jmd_ledger_pair_key ab, ba;
    assert_int_equal(jmd_ledger_pair_key_derive(&a, b.pk, &ab), 0);
    assert_int_equal(jmd_ledger_pair_key_derive(&b, a.pk, &ba), 0);
    for (int kind = 1; kind <= JMD_MSG_KIND_MAX; kind++)
        for (int edge = 0; edge < 2; edge++)
            for (int sig = 0; sig < 2; sig++) {
                jmd_msg m, plain;
                memset(&m, 0, sizeof m);
                m.kind = (jmd_msg_kind)kind;
                m.sender = 0;
                m.receiver = edge ? JMD_MSG_BROADCAST : 1;
                m.seq = edge ? UINT64_MAX - 1 : 77;
                m.t = edge ? -0.0 : 123.5;
                sample_payload(&m, kind, edge, 0, 0, 0);
                uint8_t enc[JMD_MSG_MAX_SIZE], want[JMD_MSG_MAX_SIZE], back[JMD_MSG_MAX_SIZE];
                size_t n = 0, nwant = 0, nback = 0;
                plain = m;
                if (sig) {
                    assert_int_equal(jmd_ledger_auth_sign_enc(&m, &a, enc, &n), 0);
                    assert_int_equal(jmd_ledger_auth_sign(&plain, &a), 0);
                } else {
                    assert_int_equal(jmd_ledger_auth_mac_enc(&m, &ab, enc, &n), 0);
                    assert_int_equal(jmd_ledger_auth_mac(&plain, &ab), 0);
                }
                /* Same authenticator as the plain function's. */
                assert_memory_equal(&m.auth, &plain.auth, sizeof m.auth);
                assert_int_equal(jmd_msg_encode(&m, want, sizeof want, &nwant), 0);
                assert_int_equal(n, nwant);
                assert_memory_equal(enc, want, n);
                char err[200];
                assert_int_equal(
                    jmd_ledger_auth_verify_enc(&m, a.pk, &ba, back, &nback, err, sizeof err), 0);
                assert_int_equal(nback, n);
                assert_memory_equal(back, want, n);
                /* Over the encoding the caller has (jmd_dds_take_enc's):
                 * the same verdicts, and an encoding not the message's is
                 * refused before any authenticator is checked. */
                assert_int_equal(
                    jmd_ledger_auth_verify_given(&m, a.pk, &ba, want, n, err, sizeof err), 0);
                assert_int_equal(
                    jmd_ledger_auth_verify_given(&m, a.pk, &ba, want, n - 1, err, sizeof err),
                    JMD_EINVAL);
                assert_non_null(strstr(err, "the encoding given is not the message's"));
                jmd_msg other = m;
                other.auth.bytes[3] ^= 1; /* the tag in the struct, not in the bytes */
                assert_int_equal(jmd_ledger_auth_verify_given(&other, a.pk, &ba, want, n, err,
                                                              sizeof err),
                                 JMD_EINVAL);
                want[24] ^= 1; /* the first payload byte: covered */
                int got = jmd_ledger_auth_verify_given(&m, a.pk, &ba, want, n, err, sizeof err);
#ifdef NDEBUG
                assert_int_equal(got, JMD_EVERIFY); /* compared cheaply: the tag sees it */
#else
                assert_int_equal(got, JMD_EINVAL); /* every byte compared */
#endif
                want[24] ^= 1;
                assert_int_equal(
                    jmd_ledger_auth_verify_given(&m, NULL, NULL, want, n, err, sizeof err),
                    JMD_EVERIFY);
                assert_non_null(strstr(err, sig ? "no public key" : "no pair key"));
                m.seq ^= 1; /* a covered byte changes */
                nback = 0;
                assert_int_equal(
                    jmd_ledger_auth_verify_enc(&m, a.pk, &ba, back, &nback, err, sizeof err),
                    JMD_EVERIFY);
            }
    jmd_ledger_pair_key_wipe(&ab);
    jmd_ledger_pair_key_wipe(&ba);
}

/* ---- key files ------------------------------------------------------------------ */

static const char *const PK1 =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
static const char *const SK1 =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

static void test_keyfile_round_trip(void **state)
{
    (void)state;
    jmd_ledger_keypair a, back;
    char text[512], err[256];
    keypair_of(0, "USA", &a);
    assert_int_equal(jmd_ledger_key_format(&a, text, sizeof text), 0);
    assert_non_null(strstr(text, "\njmd-key 1\nparty USA\n"));
    assert_non_null(strstr(text, PK1));
    assert_non_null(strstr(text, SK1));
    assert_int_equal(
        jmd_ledger_key_parse(text, strlen(text), "usa.key", &back, err, sizeof err), 0);
    assert_memory_equal(&a, &back, sizeof a);
    char small[100];
    assert_int_equal(jmd_ledger_key_format(&a, small, sizeof small), JMD_ERANGE);

    /* Minimal: no comments, no final newline, uppercase hex. */
    char up[65];
    for (int i = 0; i < 64; i++)
        up[i] = (char)(SK1[i] >= 'a' ? SK1[i] - 32 : SK1[i]);
    up[64] = '\0';
    char min[300];
    snprintf(min, sizeof min, "jmd-key 1\nsecret %s\n\npublic %s\nparty A", up, PK1);
    assert_int_equal(jmd_ledger_key_parse(min, strlen(min), "m", &back, err, sizeof err), 0);
    assert_string_equal(back.party, "A");
    assert_memory_equal(back.pk, a.pk, 32);
    assert_memory_equal(back.sk, a.sk, 64);

    /* Save (mode 0600), load, refuse to overwrite. */
    char dir[] = "/tmp/jmd_keys_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/usa.key", dir);
    assert_int_equal(jmd_ledger_key_save(path, &a, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(jmd_ledger_key_load(path, &back, err, sizeof err), 0);
    assert_memory_equal(&a, &back, sizeof a);
    assert_int_equal(jmd_ledger_key_save(path, &a, err, sizeof err), JMD_EIO);
    assert_non_null(strstr(err, "expected a new file, found an existing one"));
    unlink(path);
    assert_int_equal(jmd_ledger_key_load(path, &back, err, sizeof err), JMD_EIO);
    assert_non_null(strstr(err, "cannot be read"));
    /* A file past the size cap. */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 5000; i++)
        fputc('#', f);
    fclose(f);
    assert_int_equal(jmd_ledger_key_load(path, &back, err, sizeof err), JMD_EPARSE);
    assert_non_null(strstr(err, ":1:1: expected a key file of at most 4096 bytes"));
    unlink(path);
    rmdir(dir);
}

static void test_keyfile_bad(void **state)
{
    (void)state;
    /* Texts are built from pieces so each case changes one thing. */
    char pk2[80], sk2[80];
    snprintf(pk2, sizeof pk2, "%s",
             "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    snprintf(sk2, sizeof sk2, "%s", SK1);
    struct {
        char text[600];
        const char *want;
    } cases[24];
    int n = 0;
#define CASE(want_, ...)                                                                       \
    do {                                                                                       \
        snprintf(cases[n].text, sizeof cases[n].text, __VA_ARGS__);                            \
        cases[n].want = (want_);                                                               \
        n++;                                                                                   \
    } while (0)
    CASE("k:1:1: expected \"jmd-key 1\" (the key file header), found the end of the file", "%s",
         "");
    CASE("k:2:1: expected \"jmd-key 1\" (the key file header), found the end of the file",
         "# only a comment\n");
    CASE("k:1:1: expected \"jmd-key 1\" (the key file header), found \"party A\"",
         "party A\npublic %s\nsecret %s\n", PK1, SK1);
    CASE("k:1:9: expected the format version 1, found \"2\"", "jmd-key 2\nparty A\n");
    CASE("k:1:8: expected the format version 1, found the end of the line", "jmd-key\n");
    CASE("k:2:1: expected party, public or secret, found \"name\"", "jmd-key 1\nname A\n");
    CASE("k:3:1: party: expected once, found a second time (first on line 2)",
         "jmd-key 1\nparty A\nparty B\n");
    CASE("k:2:8: party: expected letters, digits, '_', '-' or '.', found \"/B\"",
         "jmd-key 1\nparty A/B\n");
    CASE("k:2:7: party: expected a letter or digit first, found \"-A\"",
         "jmd-key 1\nparty -A\n");
    CASE("k:2:70: party: expected at most 63 characters, found 64", "jmd-key 1\nparty %s\n",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    CASE("k:2:6: party: expected a value after one space, found the end of the line",
         "jmd-key 1\nparty\n");
    CASE("k:2:8: expected the end of the line, found a trailing space",
         "jmd-key 1\nparty A \n");
    CASE("k:2:7: party: expected a value after one space, found more spaces",
         "jmd-key 1\nparty  A\n");
    CASE("k:2:1: expected a keyword at the start of the line, found a space",
         "jmd-key 1\n party A\n");
    CASE("k:3:71: public: expected 64 hex digits, found 63",
         "jmd-key 1\nparty A\npublic %.63s\n", PK1);
    CASE("k:3:72: public: expected 64 hex digits, found more: \"0\"",
         "jmd-key 1\nparty A\npublic %s0\n", PK1);
    CASE("k:4:16: secret: expected a hex digit, found \"g9deffd5a60ba844af492ec2\"...",
         "jmd-key 1\nparty A\npublic %s\nsecret "
         "9d61b19dg9deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60\n",
         PK1);
    CASE("k:3:8: public: expected the public key of the secret key (line 4), found another key",
         "jmd-key 1\nparty A\npublic %s\nsecret %s\n", pk2, sk2);
    CASE("k:4:1: expected a \"secret\" line, found the end of the file",
         "jmd-key 1\nparty A\npublic %s\n", PK1);
    CASE("k:3:72: expected a \"public\" line, found the end of the file",
         "jmd-key 1\nparty A\nsecret %s", SK1);
    CASE("k:2:6: expected printable ASCII, found the byte 0x09", "jmd-key 1\nparty\tA\n");
    CASE("k:1:10: expected printable ASCII, found the byte 0x0d", "jmd-key 1\r\nparty A\r\n");
    CASE("k:2:8: expected printable ASCII, found the byte 0xc3",
         "jmd-key 1\nparty A\xc3\xa9\n");
#undef CASE
    jmd_ledger_keypair out;
    char err[256];
    for (int i = 0; i < n; i++) {
        memset(&out, 0x55, sizeof out);
        int rc = jmd_ledger_key_parse(cases[i].text, strlen(cases[i].text), "k", &out, err,
                                      sizeof err);
        if (rc != JMD_EPARSE || strcmp(err, cases[i].want) != 0)
            fail_msg("case %d: rc %d, err\n  [%s]\nexpected\n  [%s]", i, rc, err,
                     cases[i].want);
        static const jmd_ledger_keypair zero;
        assert_memory_equal(&out, &zero, sizeof out); /* nothing half-parsed is left */
    }
    /* A NUL byte inside the text (length-delimited input). */
    static const char nul[] = "jmd-key 1\nparty A\0B\n";
    assert_int_equal(jmd_ledger_key_parse(nul, sizeof nul - 1, "k", &out, err, sizeof err),
                     JMD_EPARSE);
    assert_string_equal(err, "k:2:8: expected printable ASCII, found the byte 0x00");
    assert_int_equal(jmd_ledger_key_parse(NULL, 1, "k", &out, err, sizeof err), JMD_EINVAL);
    /* Over the cap, reported before anything is read. */
    static char big[JMD_LEDGER_KEYFILE_MAX + 1];
    memset(big, '#', sizeof big);
    assert_int_equal(jmd_ledger_key_parse(big, sizeof big, "k", &out, err, sizeof err),
                     JMD_EPARSE);
    assert_string_equal(err,
                        "k:1:1: expected a key file of at most 4096 bytes, found 4097 bytes");
}

static void test_hex(void **state)
{
    (void)state;
    uint8_t b[3] = {0x00, 0xab, 0xff}, back[3];
    char h[7];
    jmd_ledger_hex(b, 3, h);
    assert_string_equal(h, "00abff");
    assert_int_equal(jmd_ledger_unhex("00ABff", back, 3), 0);
    assert_memory_equal(back, b, 3);
    assert_int_equal(jmd_ledger_unhex("00abf", back, 3), JMD_EINVAL);
    assert_int_equal(jmd_ledger_unhex("00abffe", back, 3), JMD_EINVAL);
    assert_int_equal(jmd_ledger_unhex("00abfg", back, 3), JMD_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc8032_vectors), cmocka_unit_test(test_sign_arguments),
        cmocka_unit_test(test_pair_key),        cmocka_unit_test(test_auth_sig),
        cmocka_unit_test(test_auth_mac),        cmocka_unit_test(test_auth_enc),
        cmocka_unit_test(test_keyfile_round_trip),
        cmocka_unit_test(test_keyfile_bad),     cmocka_unit_test(test_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
