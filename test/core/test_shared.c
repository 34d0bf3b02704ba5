/*
 * test_shared.c
 *		The rules both glues share through the core: role-claim paths
 *		(claimpath.c), the leeway range (claims.c), the one signing or
 *		encrypting algorithm of an argument (alg.c, jwe_tables.c), JWKs
 *		published with a kid (jwk_export.c), and jose_prepare.
 *
 * PostgreSQL and SQLite call these with their own argument types; the
 * answers (and the texts of the refusals) must not depend on the host.
 */
#include "harness.h"
#include "../../src/core/alg.h"
#include "../../src/core/claimpath.h"
#include "../../src/core/claims.h"
#include "../../src/core/jwe_tables.h"
#include "../../src/core/jwk.h"
#include "../../src/core/jwk_export.h"
#include "../../src/core/keyobj.h"
#include "../../src/core/prepare.h"

static const jose_json_limits jl = {32, 10000};

/* The text of the string node a role-claim path names, or "(none)". */
static const char *
role_at(const char *claims, const char *path, char *out, size_t outlen)
{
	jose_json	doc;
	jose_err	err;
	uint32_t	n;

	jose_json_init(&doc);
	snprintf(out, outlen, "(none)");
	if (jose_json_parse(&doc, claims, strlen(claims), &jl, "payload", &err) == JOSE_OK &&
		(n = jose_claim_at_path(&doc, path)) != JOSE_JSON_NONE)
		snprintf(out, outlen, "%s", doc.nodes[n].type == JOSE_JSON_STRING
				 ? jose_json_text(&doc, n) : "(not a string)");
	jose_json_free(&doc);
	return out;
}

static void
role_claim_paths(void)
{
	static const char *claims =
		"{\"role\":\"r\",\"app\":{\"role\":\"a\"},\"roles\":[\"x\",\"y\"],"
		"\"https://h/role\":\"q\",\"a\\\"b\":\"quoted\",\"n\":{\"l\":[{\"r\":\"deep\"}]}}";
	static const struct
	{
		const char *path;
		const char *want;
	}			cases[] = {
		{".role", "r"}, {"role", "r"}, {"$.role", "r"}, {".app.role", "a"}, {"app.role", "a"},
		{".roles[1]", "y"}, {".roles[2]", "(none)"}, {".roles[x]", "(none)"},
		{".\"https://h/role\"", "q"}, {".\"a\\\"b\"", "quoted"}, {".n.l[0].r", "deep"},
		{".nope", "(none)"}, {".app.role.x", "(none)"}, {".app..role", "(none)"},
		{".\"unterminated", "(none)"}, {"[0]", "(none)"}, {".app", "(not a string)"},
	};
	char		buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECKF(strcmp(role_at(claims, cases[i].path, buf, sizeof(buf)), cases[i].want) == 0,
			   "%s gave %s, want %s", cases[i].path, buf, cases[i].want);
}

static void
leeway_range(void)
{
	jose_err	err;

	CHECK_STATUS(jose_check_leeway(0, &err), JOSE_OK);
	CHECK_STATUS(jose_check_leeway(86400, &err), JOSE_OK);
	CHECK_STATUS(jose_check_leeway(86400.5, &err), JOSE_E_ARGUMENT);
	CHECK_STR(err.detail, "The leeway must be between 0 and 1 day (86,400 s), the range of token_ext.leeway.");
	CHECK_STATUS(jose_check_leeway(-0.001, &err), JOSE_E_ARGUMENT);
	CHECK_STATUS(jose_check_leeway(0.0 / 0.0, &err), JOSE_E_ARGUMENT);
}

static void
one_algorithm_arguments(void)
{
	jose_alg	alg;
	jose_jwe_alg jalg;
	jose_jwe_enc enc;
	jose_err	err;

	CHECK_STATUS(jose_sign_alg_parse("ES256", 5, &alg, &err), JOSE_OK);
	CHECK(alg == JOSE_ALG_ES256);
	CHECK_STATUS(jose_sign_alg_parse("none", 4, &alg, &err), JOSE_E_ALG_NONE);
	CHECK_STR(err.detail, "Unsecured JWS (\"none\") is never produced.");
	CHECK_STATUS(jose_sign_alg_parse("HS257", 5, &alg, &err), JOSE_E_ALG_UNSUPPORTED);
	CHECK_STR(err.detail, "\"HS257\" is not a JWS algorithm token_ext supports.");
	CHECK_STATUS(jose_sign_alg_parse("HS256,HS384", 11, &alg, &err), JOSE_E_ALG_UNSUPPORTED);

	CHECK_STATUS(jose_jwe_alg_parse_one("RSA-OAEP-256", 12, &jalg, &err), JOSE_OK);
	CHECK(jalg == jose_jwe_alg_lookup("RSA-OAEP-256", 12));
	CHECK_STATUS(jose_jwe_alg_parse_one("A128KW,A256KW", 13, &jalg, &err), JOSE_E_ARGUMENT);
	CHECK_STR(err.detail, "Name one key management algorithm to encrypt with.");
	CHECK_STATUS(jose_jwe_alg_parse_one("RSA1_5", 6, &jalg, &err), JOSE_E_ALG_UNSUPPORTED);
	CHECK_STATUS(jose_jwe_enc_parse_one("A128GCM", 7, &enc, &err), JOSE_OK);
	CHECK(enc == jose_jwe_enc_lookup("A128GCM", 7));
	CHECK_STATUS(jose_jwe_enc_parse_one("A128GCM,A256GCM", 15, &enc, &err), JOSE_E_ARGUMENT);
	CHECK_STR(err.detail, "Name one content encryption to encrypt with.");
}

/* The JWK written for a published key: its own kid, else its RFC 7638 thumbprint. */
static void
jwk_with_kid(void)
{
	/* RFC 7638 3.1's key, whose thumbprint the RFC gives */
	static const char *rsa =
		"{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4"
		"cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl9"
		"3lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91"
		"CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8a"
		"wapJzKnqDKgw\"}";
	static const char *tail = ",\"kid\":\"NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs\"}";
	static const char *oct = "{\"kty\":\"oct\",\"k\":\"AAAA\",\"kid\":\"mine\"}";
	jose_keyset *set = NULL;
	jose_buf	out = {0};
	char		kid[JOSE_MAX_KID_LEN + 1];
	jose_err	err;

	CHECK_STATUS(jose_keyset_from_jwk_text(rsa, strlen(rsa), &set, &err), JOSE_OK);
	if (set == NULL)
		return;
	CHECK_STATUS(jose_key_to_jwk_with_kid(set->keys[0], false, &out, kid, &err), JOSE_OK);
	CHECK_STR(kid, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	CHECKF(out.len > 60 && memcmp(out.data + out.len - strlen(tail), tail, strlen(tail)) == 0,
		   "%.*s", (int) out.len, out.data);
	jose_keyset_free(set);
	jose_buf_free(&out);

	/* a key with a kid keeps it, once */
	CHECK_STATUS(jose_keyset_from_jwk_text(oct, strlen(oct), &set, &err), JOSE_OK);
	if (set == NULL)
		return;
	CHECK_STATUS(jose_key_to_jwk_with_kid(set->keys[0], true, &out, kid, &err), JOSE_OK);
	CHECK_STR(kid, "mine");
	CHECKF(out.len > 0 && strstr(out.data, "\"kid\":\"mine\"}") != NULL &&
		   strstr(out.data, "\"kid\"") == strrchr(out.data, ',') + 1, "%.*s", (int) out.len, out.data);
	jose_keyset_free(set);
	jose_buf_free(&out);
}

static void
prepare_is_idempotent(void)
{
	jose_err	err;

	CHECK_STATUS(jose_prepare(&err), JOSE_OK);
	CHECK_STATUS(jose_prepare(&err), JOSE_OK);
}

void
suite_shared(void)
{
	RUN(role_claim_paths);
	RUN(leeway_range);
	RUN(one_algorithm_arguments);
	RUN(jwk_with_kid);
	RUN(prepare_is_idempotent);
}
