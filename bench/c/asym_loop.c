/*
 * asym_loop.c: the bare C baselines of bench/run.sh for the asymmetric
 * JWS algorithms (RS256, PS256, ES256, ES256K, EdDSA).
 *
 * Not a test: it times the OpenSSL calls a C program would make to sign
 * and verify the same signing inputs token_ext signs and verifies, with
 * the same key, and prints rates.  Two forms of each:
 *
 *   init   what a competent C programmer writes per token: a fresh
 *          EVP_MD_CTX, EVP_DigestVerifyInit (EVP_DigestSignInit) with the
 *          digest fetched once, the JOSE parameters (PSS: padding, MGF1
 *          digest, salt = hash length), EVP_DigestVerify (EVP_DigestSign).
 *   cached the stricter form token_ext itself uses: one EVP_PKEY_CTX set up
 *          once and reused, EVP_Digest + EVP_PKEY_verify (EVP_PKEY_sign)
 *          per token; for EdDSA one EVP_MD_CTX initialised once and
 *          EVP_DigestVerify (EVP_DigestSign) per token.
 *
 * ECDSA signatures in JWS are raw R || S: both forms convert each one to
 * DER before verifying (BN_bin2bn, ECDSA_SIG_set0, i2d_ECDSA_SIG) and each
 * DER signature back to R || S after signing (d2i_ECDSA_SIG,
 * BN_bn2binpad), the work token_ext does.  No base64url, no JSON.
 *
 * usage: asym_loop ALG PUBLIC.pem PRIVATE.pem INPUTS REPS SIGN_ROWS
 *   INPUTS: one line per token, "signing_input<TAB>hex(signature)"
 *   (signing_input = the token's header.payload, signature = raw JWS bytes)
 *   REPS: runs per measurement (best reported); SIGN_ROWS: how many of the
 *   inputs the sign measurements sign (the first ones).
 * Output, one line per measurement:
 *   ALG verify|sign init|cached ROWS BEST_SECONDS OK_COUNT
 * OK_COUNT is how many verifications returned 1 (must be ROWS) or how
 * many signatures were produced.  Exit status 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

/*
 * The four measured loops are never inlined into main, so that
 * bench/instructions.sh can count each one's instructions alone
 * (valgrind --tool=callgrind --toggle-collect=verify_cached); each runs
 * once per round, so this costs nothing per token.
 */
#if defined(__GNUC__) || defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

typedef struct
{
	unsigned char *input;
	size_t		input_len;
	unsigned char sig[1024];
	size_t		sig_len;
} row_t;

static row_t *rows;
static size_t nrows;

enum family { F_RSA, F_PSS, F_ECDSA, F_EDDSA };
static enum family fam;
static const EVP_MD *md;		/* NULL for EdDSA */
static size_t half;				/* ECDSA coordinate length */
static EVP_PKEY *pub, *priv;

static void
die(const char *what)
{
	fprintf(stderr, "asym_loop: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void
read_inputs(const char *path)
{
	FILE	   *f = fopen(path, "r");
	char	   *line = NULL;
	size_t		cap = 0,
				alloc = 1024;
	ssize_t		n;

	if (f == NULL)
		die("cannot open the inputs file");
	rows = calloc(alloc, sizeof(row_t));
	while ((n = getline(&line, &cap, f)) > 0)
	{
		char	   *tab = memchr(line, '\t', (size_t) n);
		char	   *h;
		row_t	   *r;

		if (tab == NULL)
			die("malformed inputs line");
		if (nrows == alloc)
			rows = realloc(rows, (alloc *= 2) * sizeof(row_t));
		r = &rows[nrows++];
		r->input_len = (size_t) (tab - line);
		r->input = malloc(r->input_len);
		memcpy(r->input, line, r->input_len);
		for (h = tab + 1; hexval(h[0]) >= 0 && hexval(h[1]) >= 0; h += 2)
		{
			if (r->sig_len == sizeof(r->sig))
				die("signature too long");
			r->sig[r->sig_len++] = (unsigned char) (hexval(h[0]) * 16 + hexval(h[1]));
		}
	}
	free(line);
	fclose(f);
	if (nrows == 0)
		die("no inputs");
}

static EVP_PKEY *
read_key(const char *path, int private)
{
	FILE	   *f = fopen(path, "r");
	EVP_PKEY   *k;

	if (f == NULL)
		die("cannot open a key file");
	k = private ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (k == NULL)
		die("cannot read a key");
	return k;
}

/* PSS as JOSE fixes it: MGF1 with the same hash, salt as long as the hash. */
static int
set_pss(EVP_PKEY_CTX *pctx)
{
	return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1 &&
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
}

/* raw R || S -> DER; returns the DER length (0 on failure). */
static size_t
raw_to_der(const unsigned char *sig, size_t len, unsigned char *der)
{
	BIGNUM	   *r, *s;
	ECDSA_SIG  *es;
	unsigned char *p = der;
	int			n;

	if (len != 2 * half)
		return 0;
	r = BN_bin2bn(sig, (int) half, NULL);
	s = BN_bin2bn(sig + half, (int) half, NULL);
	es = ECDSA_SIG_new();
	if (r == NULL || s == NULL || es == NULL || !ECDSA_SIG_set0(es, r, s))
		die("ECDSA_SIG_set0");
	n = i2d_ECDSA_SIG(es, &p);
	ECDSA_SIG_free(es);
	return n > 0 ? (size_t) n : 0;
}

/* DER -> raw R || S into out (2 * half bytes); 1 on success. */
static int
der_to_raw(const unsigned char *der, size_t len, unsigned char *out)
{
	const unsigned char *p = der;
	ECDSA_SIG  *es = d2i_ECDSA_SIG(NULL, &p, (long) len);
	const BIGNUM *r, *s;
	int			ok;

	if (es == NULL)
		return 0;
	ECDSA_SIG_get0(es, &r, &s);
	ok = BN_bn2binpad(r, out, (int) half) == (int) half &&
		BN_bn2binpad(s, out + half, (int) half) == (int) half;
	ECDSA_SIG_free(es);
	return ok;
}

/* ---- verify ---- */

static NOINLINE size_t
verify_init(void)
{
	size_t		ok = 0;

	for (size_t i = 0; i < nrows; i++)
	{
		row_t	   *r = &rows[i];
		unsigned char der[160];
		const unsigned char *sig = r->sig;
		size_t		siglen = r->sig_len;
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		EVP_PKEY_CTX *pctx = NULL;

		if (fam == F_ECDSA)
		{
			siglen = raw_to_der(r->sig, r->sig_len, der);
			sig = der;
		}
		if (ctx != NULL && EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pub) == 1 &&
			(fam != F_PSS || set_pss(pctx)) &&
			EVP_DigestVerify(ctx, sig, siglen, r->input, r->input_len) == 1)
			ok++;
		EVP_MD_CTX_free(ctx);
	}
	return ok;
}

static EVP_PKEY_CTX *
cached_pkey_ctx(EVP_PKEY *k, int sign)
{
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);

	if (pctx == NULL ||
		(sign ? EVP_PKEY_sign_init(pctx) : EVP_PKEY_verify_init(pctx)) != 1 ||
		EVP_PKEY_CTX_set_signature_md(pctx, md) != 1 ||
		(fam == F_PSS && !set_pss(pctx)))
		die("cannot set up the cached EVP_PKEY_CTX");
	return pctx;
}

static NOINLINE size_t
verify_cached(EVP_PKEY_CTX *pctx, EVP_MD_CTX *edctx)
{
	size_t		ok = 0;

	for (size_t i = 0; i < nrows; i++)
	{
		row_t	   *r = &rows[i];
		unsigned char der[160];
		unsigned char hash[EVP_MAX_MD_SIZE];
		unsigned int hlen;
		const unsigned char *sig = r->sig;
		size_t		siglen = r->sig_len;

		if (fam == F_EDDSA)
		{
			if (EVP_DigestVerify(edctx, sig, siglen, r->input, r->input_len) == 1)
				ok++;
			continue;
		}
		if (fam == F_ECDSA)
		{
			siglen = raw_to_der(r->sig, r->sig_len, der);
			sig = der;
		}
		if (EVP_Digest(r->input, r->input_len, hash, &hlen, md, NULL) == 1 &&
			EVP_PKEY_verify(pctx, sig, siglen, hash, hlen) == 1)
			ok++;
	}
	return ok;
}

/* ---- sign ---- */

static NOINLINE size_t
sign_init(size_t n)
{
	size_t		ok = 0;

	for (size_t i = 0; i < n; i++)
	{
		row_t	   *r = &rows[i];
		unsigned char sig[1024], raw[160];
		size_t		siglen = sizeof(sig);
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		EVP_PKEY_CTX *pctx = NULL;

		if (ctx != NULL && EVP_DigestSignInit(ctx, &pctx, md, NULL, priv) == 1 &&
			(fam != F_PSS || set_pss(pctx)) &&
			EVP_DigestSign(ctx, sig, &siglen, r->input, r->input_len) == 1 &&
			(fam != F_ECDSA || der_to_raw(sig, siglen, raw)))
			ok++;
		EVP_MD_CTX_free(ctx);
	}
	return ok;
}

static NOINLINE size_t
sign_cached(size_t n, EVP_PKEY_CTX *pctx, EVP_MD_CTX *edctx)
{
	size_t		ok = 0;

	for (size_t i = 0; i < n; i++)
	{
		row_t	   *r = &rows[i];
		unsigned char sig[1024], raw[160];
		size_t		siglen = sizeof(sig);
		unsigned char hash[EVP_MAX_MD_SIZE];
		unsigned int hlen;

		if (fam == F_EDDSA)
		{
			if (EVP_DigestSign(edctx, sig, &siglen, r->input, r->input_len) == 1)
				ok++;
			continue;
		}
		if (EVP_Digest(r->input, r->input_len, hash, &hlen, md, NULL) == 1 &&
			EVP_PKEY_sign(pctx, sig, &siglen, hash, hlen) == 1 &&
			(fam != F_ECDSA || der_to_raw(sig, siglen, raw)))
			ok++;
	}
	return ok;
}

int
main(int argc, char **argv)
{
	const char *alg;
	int			reps;
	size_t		sign_rows;
	EVP_PKEY_CTX *vctx = NULL, *sctx = NULL;
	EVP_MD_CTX *edv = NULL, *eds = NULL;
	static const char *names[4] = {"verify init", "verify cached", "sign init", "sign cached"};

	if (argc != 7)
	{
		fprintf(stderr, "usage: asym_loop ALG PUBLIC.pem PRIVATE.pem INPUTS REPS SIGN_ROWS\n");
		return 2;
	}
	alg = argv[1];
	reps = atoi(argv[5]);
	if (reps < 1)
		reps = 1;
	if (strcmp(alg, "RS256") == 0)
		fam = F_RSA;
	else if (strcmp(alg, "PS256") == 0)
		fam = F_PSS;
	else if (strcmp(alg, "ES256") == 0 || strcmp(alg, "ES256K") == 0)
		fam = F_ECDSA, half = 32;
	else if (strcmp(alg, "EdDSA") == 0)
		fam = F_EDDSA;
	else
		die("unknown algorithm");
	if (fam != F_EDDSA && (md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		die("EVP_MD_fetch");
	pub = read_key(argv[2], 0);
	priv = read_key(argv[3], 1);
	read_inputs(argv[4]);
	sign_rows = (size_t) atol(argv[6]);
	if (sign_rows == 0 || sign_rows > nrows)
		sign_rows = nrows;

	if (fam == F_EDDSA)
	{
		edv = EVP_MD_CTX_new();
		eds = EVP_MD_CTX_new();
		if (edv == NULL || eds == NULL ||
			EVP_DigestVerifyInit(edv, NULL, NULL, NULL, pub) != 1 ||
			EVP_DigestSignInit(eds, NULL, NULL, NULL, priv) != 1)
			die("cannot set up the cached EVP_MD_CTX");
	}
	else
	{
		vctx = cached_pkey_ctx(pub, 0);
		sctx = cached_pkey_ctx(priv, 1);
	}

	for (int m = 0; m < 4; m++)
	{
		double		best = 1e30;
		size_t		n = m < 2 ? nrows : sign_rows,
					ok = 0;

		for (int rep = 0; rep < reps; rep++)
		{
			double		t0 = now(), t;

			switch (m)
			{
				case 0: ok = verify_init(); break;
				case 1: ok = verify_cached(vctx, edv); break;
				case 2: ok = sign_init(n); break;
				case 3: ok = sign_cached(n, sctx, eds); break;
			}
			t = now() - t0;
			if (t < best)
				best = t;
			if (ok != n)
				break;
		}
		printf("%s %s %zu %.6f %zu\n", alg, names[m], n, best, ok);
		if (ok != n)
		{
			fprintf(stderr, "asym_loop: %s %s: %zu of %zu succeeded\n", alg, names[m], ok, n);
			ERR_print_errors_fp(stderr);
			return 1;
		}
	}
	return 0;
}
