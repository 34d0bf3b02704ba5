/*
 * test_claims.c
 *		Registered claim validation (src/core/claims.c).
 *
 * The boundaries are where token libraries go wrong: RFC 7519 says a token
 * must not be accepted on or after "exp", and may be from "nbf" on; leeway
 * widens both.  A time claim of the wrong type must be an error, never
 * "absent" (a string "exp" would otherwise disable expiry).  aud may be a
 * string or an array; iss compares exactly; required names are checked at
 * the top level only.
 */
#include "harness.h"
#include "../../src/core/claims.h"

static const jose_json_limits jl = {32, 10000};

/* Check claims text at time now with leeway; the status (detail in err). */
static jose_status
check_at(const char *claims, double now, double leeway, jose_err *err)
{
	jose_json	doc;
	jose_claims_opts o;
	jose_status st;

	memset(&o, 0, sizeof(o));
	o.now = now;
	o.leeway = leeway;
	jose_json_init(&doc);
	jose_err_clear(err);
	st = jose_json_parse(&doc, claims, strlen(claims), &jl, "payload", err);
	if (st == JOSE_OK)
		st = jose_claims_check(&doc, &o, err);
	jose_json_free(&doc);
	return st;
}

static jose_status
check_opts(const char *claims, jose_claims_opts *o, jose_err *err)
{
	jose_json	doc;
	jose_status st;

	jose_json_init(&doc);
	jose_err_clear(err);
	st = jose_json_parse(&doc, claims, strlen(claims), &jl, "payload", err);
	if (st == JOSE_OK)
		st = jose_claims_check(&doc, o, err);
	jose_json_free(&doc);
	return st;
}

static void
exp_boundary(void)
{
	jose_err	err;

	CHECK_STATUS(check_at("{\"exp\":1001}", 1000, 0, &err), JOSE_OK);
	CHECK_STATUS(check_at("{\"exp\":1000.5}", 1000, 0, &err), JOSE_OK);
	CHECK_STATUS(check_at("{\"exp\":1000}", 1000, 0, &err), JOSE_E_EXPIRED);	/* on exp: expired */
	CHECK_STR(err.detail, "The token expired at 1970-01-01 00:16:40 UTC.");
	CHECK_STATUS(check_at("{\"exp\":1000}", 999.999, 0, &err), JOSE_OK);
	CHECK_STATUS(check_at("{\"exp\":999}", 1000, 0, &err), JOSE_E_EXPIRED);
	CHECK_STATUS(check_at("{\"exp\":1e3}", 1000, 0, &err), JOSE_E_EXPIRED);
	CHECK_STATUS(check_at("{\"exp\":0}", 1000, 0, &err), JOSE_E_EXPIRED);
	CHECK_STATUS(check_at("{\"exp\":-1}", 1000, 0, &err), JOSE_E_EXPIRED);
	/* leeway: accepted until exp + leeway, exclusive */
	CHECK_STATUS(check_at("{\"exp\":991}", 1000, 10, &err), JOSE_OK);
	CHECK_STATUS(check_at("{\"exp\":990}", 1000, 10, &err), JOSE_E_EXPIRED);
	CHECK_STATUS(check_at("{\"exp\":1600000000}", 1600000000, 0, &err), JOSE_E_EXPIRED);
	CHECK_STR(err.detail, "The token expired at 2020-09-13 12:26:40 UTC.");
	CHECK_STATUS(check_at("{\"exp\":1600000000}", 1599999999, 0, &err), JOSE_OK);
	/* far future and absent */
	CHECK_STATUS(check_at("{\"exp\":1e300}", 1000, 0, &err), JOSE_OK);
	CHECK_STATUS(check_at("{}", 1e12, 0, &err), JOSE_OK);
}

static void
nbf_and_iat_boundary(void)
{
	jose_err	err;

	CHECK_STATUS(check_at("{\"nbf\":1000}", 1000, 0, &err), JOSE_OK);	/* from nbf on */
	CHECK_STATUS(check_at("{\"nbf\":1000.5}", 1000, 0, &err), JOSE_E_NOT_YET_VALID);
	CHECK_STATUS(check_at("{\"nbf\":1001}", 1000, 0, &err), JOSE_E_NOT_YET_VALID);
	CHECK_STR(err.detail, "The token is valid from 1970-01-01 00:16:41 UTC.");
	CHECK_STATUS(check_at("{\"nbf\":1010}", 1000, 10, &err), JOSE_OK);
	CHECK_STATUS(check_at("{\"nbf\":1011}", 1000, 10, &err), JOSE_E_NOT_YET_VALID);
	CHECK_STATUS(check_at("{\"iat\":1000}", 1000, 0, &err), JOSE_OK);
	/* iat may be up to JOSE_IAT_TOLERANCE (1 s) ahead: issuers round to whole seconds */
	CHECK_STATUS(check_at("{\"iat\":1001}", 1000, 0, &err), JOSE_OK);
	CHECK_STATUS(check_at("{\"iat\":1001.5}", 1000, 0, &err), JOSE_E_ISSUED_IN_FUTURE);
	CHECK_STATUS(check_at("{\"iat\":1002}", 1000, 0, &err), JOSE_E_ISSUED_IN_FUTURE);
	CHECK_STR(err.detail, "The token says it was issued at 1970-01-01 00:16:42 UTC, after the check time.");
	CHECK_STATUS(check_at("{\"iat\":1006}", 1000, 5, &err), JOSE_OK);
	CHECK_STATUS(check_at("{\"iat\":1007}", 1000, 5, &err), JOSE_E_ISSUED_IN_FUTURE);
	CHECK_STATUS(check_at("{\"iat\":0}", 1000, 0, &err), JOSE_OK);
	/* all three, valid window */
	CHECK_STATUS(check_at("{\"iat\":900,\"nbf\":950,\"exp\":1100}", 1000, 0, &err), JOSE_OK);
	CHECK_STATUS(check_at("{\"iat\":900,\"nbf\":950,\"exp\":1100}", 949, 0, &err), JOSE_E_NOT_YET_VALID);
	CHECK_STATUS(check_at("{\"iat\":900,\"nbf\":950,\"exp\":1100}", 1100, 0, &err), JOSE_E_EXPIRED);
	/* a date past year 9999 is shown as a number */
	CHECK_STATUS(check_at("{\"nbf\":1e15}", 1000, 0, &err), JOSE_E_NOT_YET_VALID);
	CHECK_STR(err.detail, "The token is valid from 1000000000000000.");
}

/* A present time claim must be a finite number. */
static void
time_claim_types(void)
{
	static const char *const names[] = {"exp", "nbf", "iat"};
	static const char *const values[] = {"\"9999999999\"", "null", "true", "false", "[]", "{}",
	"[9999999999]", "1e400", "-1e400"};
	jose_err	err;

	for (size_t n = 0; n < 3; n++)
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
		{
			char		claims[64];

			snprintf(claims, sizeof(claims), "{\"%s\":%s}", names[n], values[v]);
			CHECKF(check_at(claims, 1000, 0, &err) == JOSE_E_CLAIM, "%s: %s", claims, err.detail);
		}
	CHECK_STATUS(check_at("{\"exp\":\"1\"}", 1000, 0, &err), JOSE_E_CLAIM);
	CHECK_STR(err.detail, "The \"exp\" claim must be a number.");
	CHECK_STATUS(check_at("{\"exp\":1e400}", 1000, 0, &err), JOSE_E_CLAIM);
	CHECK_STR(err.detail, "The \"exp\" claim is out of range.");
	CHECK_STATUS(check_at("{\"sub\":1}", 1000, 0, &err), JOSE_E_CLAIM);
	CHECK_STATUS(check_at("{\"jti\":[]}", 1000, 0, &err), JOSE_E_CLAIM);
	CHECK_STATUS(check_at("{\"iss\":null}", 1000, 0, &err), JOSE_E_CLAIM);
	CHECK_STATUS(check_at("{\"aud\":1}", 1000, 0, &err), JOSE_E_CLAIM);
	CHECK_STATUS(check_at("{\"aud\":[\"a\",1]}", 1000, 0, &err), JOSE_E_CLAIM);
	CHECK_STATUS(check_at("{\"aud\":{}}", 1000, 0, &err), JOSE_E_CLAIM);
	CHECK_STATUS(check_at("{\"sub\":\"s\",\"jti\":\"j\",\"iss\":\"i\",\"aud\":[]}", 1000, 0, &err), JOSE_OK);
	/* names of other claims are free-form */
	CHECK_STATUS(check_at("{\"Exp\":\"x\",\"expires\":\"x\"}", 1000, 0, &err), JOSE_OK);
}

static void
audience(void)
{
	jose_claims_opts o;
	jose_err	err;

	memset(&o, 0, sizeof(o));
	o.now = 1000;
	o.audience = "api";
	o.audience_len = 3;
	CHECK_STATUS(check_opts("{\"aud\":\"api\"}", &o, &err), JOSE_OK);
	CHECK_STATUS(check_opts("{\"aud\":[\"x\",\"api\"]}", &o, &err), JOSE_OK);
	CHECK_STATUS(check_opts("{\"aud\":[\"api\"]}", &o, &err), JOSE_OK);
	CHECK_STATUS(check_opts("{\"aud\":\"API\"}", &o, &err), JOSE_E_AUDIENCE);
	CHECK_STATUS(check_opts("{\"aud\":\"api2\"}", &o, &err), JOSE_E_AUDIENCE);
	CHECK_STATUS(check_opts("{\"aud\":\"ap\"}", &o, &err), JOSE_E_AUDIENCE);
	CHECK_STATUS(check_opts("{\"aud\":[\"x\",\"y\"]}", &o, &err), JOSE_E_AUDIENCE);
	CHECK_STR(err.detail, "The token's \"aud\" claim does not include the expected audience.");
	CHECK_STATUS(check_opts("{\"aud\":[]}", &o, &err), JOSE_E_AUDIENCE);
	CHECK_STATUS(check_opts("{}", &o, &err), JOSE_E_AUDIENCE);
	CHECK_STR(err.detail, "The token has no \"aud\" claim and an audience is expected.");
	CHECK_STATUS(check_opts("{\"aud\":[\"api\",2]}", &o, &err), JOSE_E_CLAIM);
	CHECK_STATUS(check_opts("{\"x\":{\"aud\":\"api\"}}", &o, &err), JOSE_E_AUDIENCE);
	CHECK_STATUS(check_opts("{\"aud\":[[\"api\"]]}", &o, &err), JOSE_E_CLAIM);
	/* empty expected audience */
	o.audience = "";
	o.audience_len = 0;
	CHECK_STATUS(check_opts("{\"aud\":\"\"}", &o, &err), JOSE_OK);
	CHECK_STATUS(check_opts("{\"aud\":\"api\"}", &o, &err), JOSE_E_AUDIENCE);
}

static void
issuer(void)
{
	jose_claims_opts o;
	jose_err	err;

	memset(&o, 0, sizeof(o));
	o.now = 1000;
	o.issuer = "https://joe.example";
	o.issuer_len = strlen(o.issuer);
	CHECK_STATUS(check_opts("{\"iss\":\"https://joe.example\"}", &o, &err), JOSE_OK);
	CHECK_STATUS(check_opts("{\"iss\":\"https:\\/\\/joe.example\"}", &o, &err), JOSE_OK);
	CHECK_STATUS(check_opts("{\"iss\":\"https://joe.example/\"}", &o, &err), JOSE_E_ISSUER);
	CHECK_STR(err.detail, "The token's \"iss\" claim is not the expected issuer.");
	CHECK_STATUS(check_opts("{\"iss\":\"https://JOE.example\"}", &o, &err), JOSE_E_ISSUER);
	CHECK_STATUS(check_opts("{\"iss\":\"https://joe.exampl\"}", &o, &err), JOSE_E_ISSUER);
	CHECK_STATUS(check_opts("{}", &o, &err), JOSE_E_ISSUER);
	CHECK_STR(err.detail, "The token has no \"iss\" claim and an issuer is expected.");
	CHECK_STATUS(check_opts("{\"iss\":[\"https://joe.example\"]}", &o, &err), JOSE_E_CLAIM);
	/* time checks come first */
	CHECK_STATUS(check_opts("{\"exp\":1,\"iss\":\"x\"}", &o, &err), JOSE_E_EXPIRED);
}

static void
required_claims(void)
{
	const char *names[] = {"sub", "exp", "https://example.com/role"};
	size_t		lens[] = {3, 3, 24};
	jose_claims_opts o;
	jose_err	err;
	char		longname[100];
	const char *ln[1] = {longname};
	size_t		ll[1];

	memset(&o, 0, sizeof(o));
	o.now = 1000;
	o.required = names;
	o.required_len = lens;
	o.n_required = 3;
	CHECK_STATUS(check_opts("{\"sub\":\"a\",\"exp\":2000,\"https://example.com/role\":null}", &o, &err), JOSE_OK);
	CHECK_STATUS(check_opts("{\"exp\":2000,\"https://example.com/role\":1}", &o, &err), JOSE_E_MISSING_CLAIM);
	CHECK_STR(err.detail, "The claim \"sub\" is required.");
	CHECK_STATUS(check_opts("{\"sub\":\"a\",\"exp\":2000}", &o, &err), JOSE_E_MISSING_CLAIM);
	CHECK_STR(err.detail, "The claim \"https://example.com/role\" is required.");
	/* a name found only nested, or only as a value, is missing */
	CHECK_STATUS(check_opts("{\"x\":{\"sub\":\"a\"},\"exp\":2000,\"https://example.com/role\":1}", &o, &err),
				 JOSE_E_MISSING_CLAIM);
	CHECK_STATUS(check_opts("{\"x\":\"sub\",\"exp\":2000,\"https://example.com/role\":1}", &o, &err),
				 JOSE_E_MISSING_CLAIM);
	CHECK_STATUS(check_opts("{\"Sub\":\"a\",\"exp\":2000,\"https://example.com/role\":1}", &o, &err),
				 JOSE_E_MISSING_CLAIM);
	/* an escaped name counts */
	CHECK_STATUS(check_opts("{\"\\u0073ub\":\"a\",\"exp\":2000,\"https:\\/\\/example.com\\/role\":1}", &o, &err),
				 JOSE_OK);
	/* long names are not echoed */
	memset(longname, 'n', 65);
	longname[65] = '\0';
	ll[0] = 65;
	o.required = ln;
	o.required_len = ll;
	o.n_required = 1;
	CHECK_STATUS(check_opts("{}", &o, &err), JOSE_E_MISSING_CLAIM);
	CHECK_STR(err.detail, "A required claim is absent.");
	ll[0] = 64;
	CHECK_STATUS(check_opts("{}", &o, &err), JOSE_E_MISSING_CLAIM);
	CHECK(strstr(err.detail, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\"") != NULL);
	o.n_required = 0;
	CHECK_STATUS(check_opts("{}", &o, &err), JOSE_OK);
}

/* The header "typ" check: case-insensitive, "application/" optional. */
static void
typ_check(void)
{
	static const struct
	{
		const char *header;
		const char *expected;
		jose_status want;
	}			cases[] = {
		{"{\"typ\":\"JWT\"}", "JWT", JOSE_OK},
		{"{\"typ\":\"jwt\"}", "JWT", JOSE_OK},
		{"{\"typ\":\"application/jwt\"}", "JWT", JOSE_OK},
		{"{\"typ\":\"JWT\"}", "application/JWT", JOSE_OK},
		{"{\"typ\":\"Application/At+JWT\"}", "at+jwt", JOSE_OK},
		{"{\"typ\":\"at+jwt\"}", "JWT", JOSE_E_TYPE},
		{"{\"typ\":\"JWTX\"}", "JWT", JOSE_E_TYPE},
		{"{\"typ\":\"JW\"}", "JWT", JOSE_E_TYPE},
		{"{\"typ\":\"\"}", "JWT", JOSE_E_TYPE},
		{"{\"typ\":\"application/\"}", "JWT", JOSE_E_TYPE},
		{"{\"cty\":\"JWT\"}", "JWT", JOSE_E_TYPE},
	};
	jose_json	doc;
	jose_err	err;

	jose_json_init(&doc);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		uint32_t	t;

		CHECK_STATUS(jose_json_parse(&doc, cases[i].header, strlen(cases[i].header), &jl, "header", &err), JOSE_OK);
		t = jose_json_member(&doc, 0, "typ");
		CHECKF(jose_check_typ(&doc, t, cases[i].expected, strlen(cases[i].expected), &err) == cases[i].want,
			   "%s vs %s", cases[i].header, cases[i].expected);
	}
	CHECK_STATUS(jose_check_typ(&doc, JOSE_JSON_NONE, "JWT", 3, &err), JOSE_E_TYPE);
	CHECK_STR(err.detail, "The token has no \"typ\" header and a type is expected.");
	jose_json_free(&doc);
}

void
suite_claims(void)
{
	RUN(exp_boundary);
	RUN(nbf_and_iat_boundary);
	RUN(time_claim_types);
	RUN(audience);
	RUN(issuer);
	RUN(required_claims);
	RUN(typ_check);
}
