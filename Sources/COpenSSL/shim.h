#ifndef PORTCULLIS_COPENSSL_SHIM_H
#define PORTCULLIS_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/ec.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
#include <arpa/inet.h>

/*
 * Portcullis shims over libssl/libcrypto (OpenSSL 3). Every function is prefixed `pc_`.
 * They exist for three reasons: OpenSSL macros and variadic functions Swift cannot call,
 * multi-step sequences that are easier to keep leak-free in one C function, and byte
 * conversions (JOSE r||s <-> DER ECDSA signatures). Ownership: a function returning a
 * pointer hands it to the caller, who frees it with the matching pc_*_free.
 * Return conventions: 1 success, 0 "no" (e.g. bad signature), -1 error (see pc_err_drain).
 */

/* ---- errors ---- */

/* Drains the thread's OpenSSL error queue into buf (the first, most specific error; "; "-joined
   with up to 3 more). Returns the number of bytes written (without the NUL). */
static inline size_t pc_err_drain(char *buf, size_t cap) {
    size_t used = 0;
    int count = 0;
    unsigned long e;
    if (cap == 0) { while (ERR_get_error() != 0) {} return 0; }
    buf[0] = 0;
    while ((e = ERR_get_error()) != 0) {
        if (count < 4 && used + 2 < cap) {
            if (count > 0) { buf[used++] = ';'; buf[used++] = ' '; buf[used] = 0; }
            ERR_error_string_n(e, buf + used, cap - used);
            used = strlen(buf);
        }
        count++;
    }
    return used;
}

static inline void pc_err_clear(void) { ERR_clear_error(); }

/* ---- digests and constant-time compare ---- */

/* SHA-256 with the context on the stack: no allocation and no provider fetch (in OpenSSL 3.0, SHA256()
   goes through EVP_Q_digest, which fetches the algorithm by name on every call: a third of the cost of
   digesting a bearer token for the JWT cache). The low-level functions are deprecated in 3.0 but kept;
   they run the same assembly (SHA-NI where the CPU has it). */
static inline int pc_sha256(const uint8_t *data, size_t len, uint8_t out[32]) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    SHA256_CTX ctx;
    int ok = SHA256_Init(&ctx) == 1 && SHA256_Update(&ctx, data, len) == 1 && SHA256_Final(out, &ctx) == 1;
    OPENSSL_cleanse(&ctx, sizeof ctx);
#pragma GCC diagnostic pop
    return ok ? 1 : -1;
}

/* HMAC with SHA-256/384/512 (bits = 256, 384, 512). Returns the MAC length or -1. */
static inline int pc_hmac(int bits, const uint8_t *key, size_t keylen, const uint8_t *data, size_t len,
                          uint8_t *out, size_t cap) {
    const EVP_MD *md = bits == 256 ? EVP_sha256() : bits == 384 ? EVP_sha384() : bits == 512 ? EVP_sha512() : NULL;
    unsigned int outlen = 0;
    static const uint8_t empty = 0;
    if (md == NULL || cap < (size_t)EVP_MD_get_size(md)) return -1;
    if (HMAC(md, keylen > 0 ? key : &empty, (int)keylen, data, len, out, &outlen) == NULL) return -1;
    return (int)outlen;
}

static inline int pc_memeq(const uint8_t *a, const uint8_t *b, size_t len) {
    return CRYPTO_memcmp(a, b, len) == 0 ? 1 : 0;
}

static inline int pc_rand(uint8_t *out, size_t len) {
    return RAND_bytes(out, (int)len) == 1 ? 1 : -1;
}

/* ---- keys ---- */

static inline void pc_pkey_free(EVP_PKEY *k) { EVP_PKEY_free(k); }

/* 1 RSA, 2 RSA-PSS, 3 EC, 4 Ed25519, 0 other. */
static inline int pc_pkey_kind(const EVP_PKEY *k) {
    switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_RSA: return 1;
    case EVP_PKEY_RSA_PSS: return 2;
    case EVP_PKEY_EC: return 3;
    case EVP_PKEY_ED25519: return 4;
    default: return 0;
    }
}

static inline int pc_pkey_bits(const EVP_PKEY *k) { return EVP_PKEY_get_bits(k); }

/* EC group short name ("prime256v1", "secp384r1", ...) into buf; 1 on success. */
static inline int pc_pkey_group(const EVP_PKEY *k, char *buf, size_t cap) {
    size_t len = 0;
    return EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, buf, cap, &len) == 1 ? 1 : -1;
}

static inline EVP_PKEY *pc_pkey_fromdata(const char *type, OSSL_PARAM_BLD *bld) {
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *key = NULL;
    if (params == NULL) return NULL;
    ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1) {
        if (EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) key = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return key;
}

/* RSA public key from big-endian modulus and exponent. */
static inline EVP_PKEY *pc_pkey_rsa(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen) {
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    BIGNUM *bn = BN_bin2bn(n, (int)nlen, NULL);
    BIGNUM *be = BN_bin2bn(e, (int)elen, NULL);
    EVP_PKEY *key = NULL;
    if (bld != NULL && bn != NULL && be != NULL
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1) {
        key = pc_pkey_fromdata("RSA", bld);
    }
    BN_free(bn);
    BN_free(be);
    OSSL_PARAM_BLD_free(bld);
    return key;
}

/* EC public key on a named group from affine coordinates (each exactly `clen` bytes). */
static inline EVP_PKEY *pc_pkey_ec(const char *group, const uint8_t *x, const uint8_t *y, size_t clen) {
    uint8_t point[1 + 2 * 66];
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY *key = NULL;
    if (clen == 0 || clen > 66) return NULL;
    point[0] = 0x04;
    memcpy(point + 1, x, clen);
    memcpy(point + 1 + clen, y, clen);
    bld = OSSL_PARAM_BLD_new();
    if (bld != NULL
        && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) == 1
        && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * clen) == 1) {
        key = pc_pkey_fromdata("EC", bld);
    }
    OSSL_PARAM_BLD_free(bld);
    return key;
}

/* Ed25519 public key from its 32 raw bytes. */
static inline EVP_PKEY *pc_pkey_ed25519(const uint8_t *x, size_t len) {
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY *key = NULL;
    if (len != 32) return NULL;
    bld = OSSL_PARAM_BLD_new();
    if (bld != NULL && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, x, len) == 1) {
        key = pc_pkey_fromdata("ED25519", bld);
    }
    OSSL_PARAM_BLD_free(bld);
    return key;
}

/* A public key from PEM: "PUBLIC KEY", "RSA PUBLIC KEY", or the key of a "CERTIFICATE". */
static inline EVP_PKEY *pc_pkey_from_pem(const char *pem, size_t len) {
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *key = NULL;
    if (bio == NULL) return NULL;
    key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    if (key == NULL) {
        X509 *cert = NULL;
        (void)BIO_reset(bio);
        cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (cert != NULL) {
            key = X509_get_pubkey(cert);
            X509_free(cert);
            if (key != NULL) ERR_clear_error();
        }
    }
    BIO_free(bio);
    return key;
}

/* A private key from PEM (PKCS#8 or traditional), unencrypted. */
static inline EVP_PKEY *pc_private_key_from_pem(const char *pem, size_t len) {
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *key = NULL;
    if (bio == NULL) return NULL;
    key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return key;
}

/* Key generation (for tests, benchmarks and tooling). */
static inline EVP_PKEY *pc_keygen_rsa(size_t bits) { return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits); }
static inline EVP_PKEY *pc_keygen_ec(const char *group) { return EVP_PKEY_Q_keygen(NULL, NULL, "EC", group); }
static inline EVP_PKEY *pc_keygen_ed25519(void) { return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"); }

/* Big-endian bytes of a BIGNUM key parameter ("n", "e"); returns the length, or -1. Call with cap 0 for the size. */
static inline int pc_pkey_bn_param(const EVP_PKEY *k, const char *name, uint8_t *out, size_t cap) {
    BIGNUM *bn = NULL;
    int len = -1;
    if (EVP_PKEY_get_bn_param(k, name, &bn) != 1) return -1;
    len = BN_num_bytes(bn);
    if (out != NULL && cap >= (size_t)len) BN_bn2bin(bn, out);
    BN_free(bn);
    return len;
}

/* The encoded public key: EC uncompressed point 04||x||y, Ed25519 raw 32 bytes. Length or -1. */
static inline int pc_pkey_public_bytes(const EVP_PKEY *k, uint8_t *out, size_t cap) {
    size_t len = 0;
    if (EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519) {
        if (EVP_PKEY_get_raw_public_key(k, NULL, &len) != 1) return -1;
        if (out == NULL || cap < len) return (int)len;
        return EVP_PKEY_get_raw_public_key(k, out, &len) == 1 ? (int)len : -1;
    }
    if (EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, NULL, 0, &len) != 1) return -1;
    if (out == NULL || cap < len) return (int)len;
    return EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, out, cap, &len) == 1 ? (int)len : -1;
}

/* SubjectPublicKeyInfo PEM of a key into out; length or -1 (call with cap 0 for the size). */
static inline int pc_pkey_public_pem(EVP_PKEY *k, char *out, size_t cap) {
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    long len = 0;
    int result = -1;
    if (bio == NULL) return -1;
    if (PEM_write_bio_PUBKEY(bio, k) == 1) {
        len = BIO_get_mem_data(bio, &data);
        if (len >= 0) {
            if (out != NULL && cap >= (size_t)len) memcpy(out, data, (size_t)len);
            result = (int)len;
        }
    }
    BIO_free(bio);
    return result;
}

/* ---- signatures ---- */

/* mdbits: 256/384/512 for SHA-2, 0 for none (Ed25519). pss: 1 selects RSASSA-PSS with salt = digest length. */
static inline const EVP_MD *pc_md(int mdbits) {
    return mdbits == 256 ? EVP_sha256() : mdbits == 384 ? EVP_sha384() : mdbits == 512 ? EVP_sha512() : NULL;
}

static inline int pc_setup_pss(EVP_PKEY_CTX *pctx, int pss) {
    if (!pss) return 1;
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0) return 0;
    if (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) <= 0) return 0;
    return 1;
}

/* Verifies a DER or raw (Ed25519, RSA) signature. 1 valid, 0 invalid, -1 error. */
static inline int pc_verify(EVP_PKEY *key, int mdbits, int pss, const uint8_t *msg, size_t mlen,
                            const uint8_t *sig, size_t slen) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int rc = -1;
    if (ctx == NULL) return -1;
    if (EVP_DigestVerifyInit(ctx, &pctx, pc_md(mdbits), NULL, key) == 1 && pc_setup_pss(pctx, pss)) {
        int v = EVP_DigestVerify(ctx, sig, slen, msg, mlen);
        rc = v == 1 ? 1 : 0;
        /* A malformed signature is "invalid", not an engine error. */
        ERR_clear_error();
    }
    EVP_MD_CTX_free(ctx);
    return rc;
}

/* Verifies a JOSE ECDSA signature (r||s, each `clen` bytes): converted to DER, then verified. */
static inline int pc_verify_ecdsa_jose(EVP_PKEY *key, int mdbits, const uint8_t *msg, size_t mlen,
                                       const uint8_t *sig, size_t slen) {
    ECDSA_SIG *es = NULL;
    BIGNUM *r = NULL, *s = NULL;
    unsigned char *der = NULL;
    int derlen = 0, rc = -1;
    if (slen == 0 || slen % 2 != 0) return 0;
    r = BN_bin2bn(sig, (int)(slen / 2), NULL);
    s = BN_bin2bn(sig + slen / 2, (int)(slen / 2), NULL);
    es = ECDSA_SIG_new();
    if (r == NULL || s == NULL || es == NULL) { BN_free(r); BN_free(s); ECDSA_SIG_free(es); return -1; }
    if (ECDSA_SIG_set0(es, r, s) != 1) { BN_free(r); BN_free(s); ECDSA_SIG_free(es); return -1; }
    derlen = i2d_ECDSA_SIG(es, &der);
    ECDSA_SIG_free(es);
    if (derlen <= 0) return -1;
    rc = pc_verify(key, mdbits, 0, msg, mlen, der, (size_t)derlen);
    OPENSSL_free(der);
    return rc;
}

/* Signs msg. For EC keys, `clen` > 0 asks for the JOSE r||s form (each clen bytes) instead of DER.
   Returns the signature length or -1. Call with out NULL for the maximum size. */
static inline int pc_sign(EVP_PKEY *key, int mdbits, int pss, size_t clen, const uint8_t *msg, size_t mlen,
                          uint8_t *out, size_t cap) {
    EVP_MD_CTX *ctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    size_t siglen = 0;
    unsigned char *buf = NULL;
    int rc = -1;
    if (out == NULL) return EVP_PKEY_get_size(key) + 16;
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return -1;
    if (EVP_DigestSignInit(ctx, &pctx, pc_md(mdbits), NULL, key) != 1 || !pc_setup_pss(pctx, pss)) goto done;
    if (EVP_DigestSign(ctx, NULL, &siglen, msg, mlen) != 1) goto done;
    buf = OPENSSL_malloc(siglen);
    if (buf == NULL || EVP_DigestSign(ctx, buf, &siglen, msg, mlen) != 1) goto done;
    if (clen > 0) {
        const unsigned char *p = buf;
        ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
        const BIGNUM *r = NULL, *s = NULL;
        if (es == NULL || cap < 2 * clen) { ECDSA_SIG_free(es); goto done; }
        ECDSA_SIG_get0(es, &r, &s);
        if (BN_bn2binpad(r, out, (int)clen) < 0 || BN_bn2binpad(s, out + clen, (int)clen) < 0) {
            ECDSA_SIG_free(es);
            goto done;
        }
        ECDSA_SIG_free(es);
        rc = (int)(2 * clen);
    } else {
        if (cap < siglen) goto done;
        memcpy(out, buf, siglen);
        rc = (int)siglen;
    }
done:
    OPENSSL_free(buf);
    EVP_MD_CTX_free(ctx);
    return rc;
}

/* ---- X.509 ---- */

static inline void pc_x509_free(X509 *x) { X509_free(x); }

static inline X509 *pc_x509_from_pem(const char *pem, size_t len) {
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    X509 *x = NULL;
    if (bio == NULL) return NULL;
    x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return x;
}

/* which: 0 subject, 1 issuer. RFC 2253 text into out; returns the full length (may exceed cap) or -1. */
static inline int pc_x509_name(X509 *x, int which, char *out, size_t cap) {
    X509_NAME *name = which == 0 ? X509_get_subject_name(x) : X509_get_issuer_name(x);
    BIO *bio = NULL;
    char *data = NULL;
    long len = 0;
    if (name == NULL) return -1;
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL) return -1;
    if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) { BIO_free(bio); return -1; }
    len = BIO_get_mem_data(bio, &data);
    if (len < 0) { BIO_free(bio); return -1; }
    if (out != NULL) memcpy(out, data, (size_t)len < cap ? (size_t)len : cap);
    BIO_free(bio);
    return (int)len;
}

/* which: 0 notBefore, 1 notAfter, as seconds since the epoch. 1 on success. */
static inline int pc_x509_time(X509 *x, int which, int64_t *out) {
    const ASN1_TIME *t = which == 0 ? X509_get0_notBefore(x) : X509_get0_notAfter(x);
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) return -1;
    *out = (int64_t)timegm(&tm);
    return 1;
}

/* Serial number as upper-case hex into out; full length or -1. */
static inline int pc_x509_serial(X509 *x, char *out, size_t cap) {
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = NULL;
    int len = -1;
    if (bn == NULL) return -1;
    hex = BN_bn2hex(bn);
    BN_free(bn);
    if (hex == NULL) return -1;
    len = (int)strlen(hex);
    if (out != NULL) memcpy(out, hex, (size_t)len < cap ? (size_t)len : cap);
    OPENSSL_free(hex);
    return len;
}

static inline GENERAL_NAMES *pc_x509_sans(X509 *x) {
    return (GENERAL_NAMES *)X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
}
static inline void pc_sans_free(GENERAL_NAMES *g) { GENERAL_NAMES_free(g); }
static inline int pc_sans_count(GENERAL_NAMES *g) { return sk_GENERAL_NAME_num(g); }

/* The i-th SAN. *kind: 1 DNS, 2 URI, 3 email, 4 IP, 0 other (skipped).
   Text into out; returns the full length (may exceed cap) or -1. */
static inline int pc_sans_get(GENERAL_NAMES *g, int i, int *kind, char *out, size_t cap) {
    GENERAL_NAME *n = sk_GENERAL_NAME_value(g, i);
    const unsigned char *data = NULL;
    int len = 0;
    *kind = 0;
    if (n == NULL) return -1;
    switch (n->type) {
    case GEN_DNS: *kind = 1; data = ASN1_STRING_get0_data(n->d.dNSName); len = ASN1_STRING_length(n->d.dNSName); break;
    case GEN_URI: *kind = 2; data = ASN1_STRING_get0_data(n->d.uniformResourceIdentifier);
        len = ASN1_STRING_length(n->d.uniformResourceIdentifier); break;
    case GEN_EMAIL: *kind = 3; data = ASN1_STRING_get0_data(n->d.rfc822Name); len = ASN1_STRING_length(n->d.rfc822Name); break;
    case GEN_IPADD: {
        char text[64];
        int ilen = ASN1_STRING_length(n->d.iPAddress);
        const unsigned char *ip = ASN1_STRING_get0_data(n->d.iPAddress);
        *kind = 4;
        if (ilen == 4) { if (inet_ntop(AF_INET, ip, text, sizeof text) == NULL) return -1; }
        else if (ilen == 16) { if (inet_ntop(AF_INET6, ip, text, sizeof text) == NULL) return -1; }
        else return -1;
        len = (int)strlen(text);
        if (out != NULL) memcpy(out, text, (size_t)len < cap ? (size_t)len : cap);
        return len;
    }
    default: return 0;
    }
    if (data == NULL || len < 0) return -1;
    if (out != NULL) memcpy(out, data, (size_t)len < cap ? (size_t)len : cap);
    return len;
}

#endif
