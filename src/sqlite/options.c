/*-------------------------------------------------------------------------
 *
 * options.c
 *		Reading the options argument of a function: one JSON object.
 *
 * Where PostgreSQL takes named arguments, the SQLite functions take one
 * JSON object of options:
 *
 *	audience	string		must appear in the token's aud
 *	issuer		string		must equal the token's iss
 *	leeway		number		seconds of clock skew, 0 to 1 day
 *	required	[string]	claim names that must be present
 *	at			number		the check time, seconds since 1970 (default: now)
 *	typ			string		the expected header typ
 *	alg			string or [string]	the allowed algorithms
 *	enc			string or [string]	the allowed content encryptions
 *	sign_alg	string or [string]	the inner token's allowed algorithms
 *	role_claim	string		the claim jwt_role() reads (jwt_authenticate), a
 *							PostgREST role-claim path as token_ext.role_claim
 *
 * Each function takes the subset that applies to it; any other member is
 * refused, never ignored (an ignored "audience" would be a silent hole).
 * A member whose value is null counts as absent.  The object is read by
 * the core's strict parser.
 *
 * src/sqlite/options.c
 *
 *-------------------------------------------------------------------------
 */
#include "glue.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An option: its name and the bit of the functions that take it. */
typedef struct option_name
{
	const char *name;
	unsigned	bits;
} option_name;

static const option_name option_names[] = {
	{"audience", SQ_OPT_AUDIENCE},
	{"issuer", SQ_OPT_ISSUER},
	{"leeway", SQ_OPT_LEEWAY},
	{"required", SQ_OPT_REQUIRED},
	{"at", SQ_OPT_AT},
	{"typ", SQ_OPT_TYP},
	{"alg", SQ_OPT_ALG_JWS | SQ_OPT_ALG_JWE | SQ_OPT_ALG_POLICY},
	{"enc", SQ_OPT_ENC},
	{"sign_alg", SQ_OPT_SIGN_ALG},
	{"role_claim", SQ_OPT_ROLE_CLAIM},
};

#define N_OPTIONS (sizeof(option_names) / sizeof(option_names[0]))

/* "a, b and c": the options a function takes, for its error messages. */
static void
describe_options(unsigned allowed, char *out, size_t outlen)
{
	size_t		used = 0;
	size_t		n = 0,
				k = 0;

	for (size_t i = 0; i < N_OPTIONS; i++)
		n += (option_names[i].bits & allowed) != 0;
	out[0] = '\0';
	for (size_t i = 0; i < N_OPTIONS && used < outlen; i++)
	{
		if (!(option_names[i].bits & allowed))
			continue;
		k++;
		used += (size_t) snprintf(out + used, outlen - used, "%s%s",
								  k == 1 ? "" : k == n ? " and " : ", ", option_names[i].name);
	}
}

/* A string or array-of-strings option (node v of d) as one comma-separated list in c->list. */
static jose_status
option_list(sq_conn *c, const jose_json *d, const char *name, uint32_t v, const char **list,
			size_t *len, jose_err *err)
{
	const jose_jnode *n = &d->nodes[v];

	jose_buf_reset(&c->list);
	if (n->type == JOSE_JSON_STRING)
		jose_buf_append(&c->list, jose_json_text(d, v), n->len);
	else if (n->type == JOSE_JSON_ARRAY && n->count > 0)
	{
		uint32_t	e = v + 1;

		for (uint32_t i = 0; i < n->count; i++, e = d->nodes[e].next)
		{
			if (d->nodes[e].type != JOSE_JSON_STRING ||
				memchr(jose_json_text(d, e), ',', d->nodes[e].len) != NULL)
				return jose_fail(err, JOSE_E_ARGUMENT, "The option \"%s\" must be a name or an array of names.",
										name);
			if (i > 0)
				jose_buf_putc(&c->list, ',');
			jose_buf_append(&c->list, jose_json_text(d, e), d->nodes[e].len);
		}
	}
	else
		return jose_fail(err, JOSE_E_ARGUMENT, "The option \"%s\" must be a name or an array of names.", name);
	if (c->list.failed)
		return jose_fail(err, JOSE_E_NOMEM, "Could not allocate the option.");
	*list = c->list.data;
	*len = c->list.len;
	return JOSE_OK;
}

/* A number option's value; false if the node is not a number. */
static bool
option_number(const jose_json *d, uint32_t v, double *out)
{
	if (d->nodes[v].type != JOSE_JSON_NUMBER)
		return false;
	*out = strtod(jose_json_text(d, v), NULL);
	return true;
}

/* The "required" option (node v of the set's tree): an array of claim names. */
static jose_status
option_required(sq_option_set *set, uint32_t v, jose_err *err)
{
	const jose_json *d = &set->doc;
	uint32_t	e = v + 1;

	if (d->nodes[v].type != JOSE_JSON_ARRAY)
		return jose_fail(err, JOSE_E_ARGUMENT, "The option \"required\" must be an array of claim names.");
	if (d->nodes[v].count > SQ_MAX_REQUIRED)
		return jose_fail(err, JOSE_E_LIMIT, "At most %d claims can be required.", SQ_MAX_REQUIRED);
	for (uint32_t i = 0; i < d->nodes[v].count; i++, e = d->nodes[e].next)
	{
		if (d->nodes[e].type != JOSE_JSON_STRING)
			return jose_fail(err, JOSE_E_ARGUMENT, "The option \"required\" must be an array of claim names.");
		set->required[i] = jose_json_text(d, e);
		set->required_len[i] = d->nodes[e].len;
	}
	set->o.claims.required = set->required;
	set->o.claims.required_len = set->required_len;
	set->o.claims.n_required = d->nodes[v].count;
	return JOSE_OK;
}

/* Read one option (member name, value node v of the set's tree) into the set. */
static jose_status
read_option(sq_conn *c, sq_option_set *set, const char *name, uint32_t v, unsigned bit,
			jose_err *err)
{
	const jose_json *d = &set->doc;
	const jose_jnode *n = &d->nodes[v];
	sq_options *o = &set->o;
	const char *list = NULL;
	size_t		len = 0;
	jose_status st;
	double		x;

	switch (bit)
	{
		case SQ_OPT_AUDIENCE:
		case SQ_OPT_ISSUER:
		case SQ_OPT_TYP:
		case SQ_OPT_ROLE_CLAIM:
			if (n->type != JOSE_JSON_STRING)
				return jose_fail(err, JOSE_E_ARGUMENT, "The option \"%s\" must be a string.", name);
			if (bit == SQ_OPT_AUDIENCE)
			{
				o->claims.audience = jose_json_text(d, v);
				o->claims.audience_len = n->len;
			}
			else if (bit == SQ_OPT_ISSUER)
			{
				o->claims.issuer = jose_json_text(d, v);
				o->claims.issuer_len = n->len;
			}
			else if (bit == SQ_OPT_TYP)
			{
				o->typ = jose_json_text(d, v);
				o->typ_len = n->len;
			}
			else
				o->role_claim = jose_json_text(d, v);
			return JOSE_OK;
		case SQ_OPT_LEEWAY:
			if (!option_number(d, v, &x))
				return jose_fail(err, JOSE_E_ARGUMENT, "The option \"leeway\" must be a number of seconds.");
			if ((st = jose_check_leeway(x, err)) != JOSE_OK)
				return st;
			o->claims.leeway = x;
			return JOSE_OK;
		case SQ_OPT_AT:
			if (!option_number(d, v, &x) || !isfinite(x))
				return jose_fail(err, JOSE_E_ARGUMENT, "The check time \"at\" must be a finite number of seconds since 1970.");
			o->claims.now = x;
			set->has_at = true;
			return JOSE_OK;
		case SQ_OPT_REQUIRED:
			return option_required(set, v, err);
		default:
			break;
	}

	/* the algorithm lists */
	if ((st = option_list(c, d, name, v, &list, &len, err)) != JOSE_OK)
		return st;
	switch (bit)
	{
		case SQ_OPT_ALG_JWS:
		case SQ_OPT_SIGN_ALG:
			return jose_alg_set_parse(list, len, &o->jws_algs, err);
		case SQ_OPT_ALG_JWE:
			return jose_jwe_alg_set_parse(list, len, &o->jwe_algs, err);
		case SQ_OPT_ENC:
			return jose_jwe_enc_set_parse(list, len, &o->jwe_encs, err);
		default:
			o->has_alg = true;
			return jose_policy_algorithms_parse(list, len, &o->jws_algs, &o->jwe_algs,
												&o->jwe_encs, err);
	}
}

/* The defaults of every option. */
static void
options_defaults(sq_options *o, unsigned allowed)
{
	memset(o, 0, sizeof(*o));
	o->role_claim = ".role";
	if (allowed & SQ_OPT_ROLE_CLAIM)
		o->claims.leeway = 30;	/* PostgREST's, as token_ext.leeway */
}

/* Parse the options object v of function fn, which takes the options in allowed, into set. */
static jose_status
parse_options(sq_conn *c, sq_option_set *set, sqlite3_value *v, unsigned allowed,
			  const char *fn, jose_err *err)
{
	const jose_json *d = &set->doc;
	char		names[160];
	uint32_t	m = 1;
	jose_status st;

	options_defaults(&set->o, allowed);
	set->has_at = false;
	if ((st = sq_json_argument(c, v, "options", &set->doc, err)) != JOSE_OK)
		return st;
	if (d->nodes[0].type != JOSE_JSON_OBJECT)
		return jose_fail(err, JOSE_E_ARGUMENT, "The options must be a JSON object.");

	for (uint32_t k = 0; k < d->nodes[0].count; k++, m = d->nodes[m + 1].next)
	{
		const char *name = jose_json_text(d, m);
		unsigned	bit = 0;

		for (size_t i = 0; i < N_OPTIONS && bit == 0; i++)
			if (strcmp(option_names[i].name, name) == 0)
				bit = option_names[i].bits & allowed;
		if (bit == 0)
		{
			char		quoted[JOSE_QUOTE_MAX];

			describe_options(allowed, names, sizeof(names));
			return jose_fail(err, JOSE_E_ARGUMENT, "%s() has no option %s; it takes %s.",
							 fn, jose_quote(name, d->nodes[m].len, quoted), names);
		}
		if (d->nodes[m + 1].type == JOSE_JSON_NULL)
			continue;
		if ((st = read_option(c, set, name, m + 1, bit, err)) != JOSE_OK)
			return st;
	}
	return JOSE_OK;
}

/* Free an options set kept as a statement's auxiliary data. */
static void
option_set_free(void *p)
{
	sq_option_set *set = p;

	if (set == NULL)
		return;
	jose_json_free(&set->doc);
	free(set);
}

/*
 * Read the options argument argno (absent or NULL: all defaults) of
 * function fn, which takes the options in allowed.  Strings in o stay valid
 * for the rest of the call.  Options are parsed once per statement when
 * the argument is constant (the usual case), kept as auxiliary data; the
 * check time is then still the clock's at each call, unless "at" is given.
 */
jose_status
sq_read_options(sqlite3_context *ctx, int argc, sqlite3_value **argv, int argno,
				unsigned allowed, const char *fn, sq_options *o, jose_err *err)
{
	sq_conn    *c = sq_conn_of(ctx);
	sq_option_set *set;
	sq_option_set *keep;
	jose_status st;

	if (argno >= argc || sqlite3_value_type(argv[argno]) == SQLITE_NULL)
	{
		options_defaults(o, allowed);
		o->claims.now = sq_now();
		return JOSE_OK;
	}
	if ((set = sqlite3_get_auxdata(ctx, argno)) == NULL)
	{
		/* this call reads the connection's copy; the statement's next calls a kept one */
		if ((st = parse_options(c, &c->options, argv[argno], allowed, fn, err)) != JOSE_OK)
			return st;
		set = &c->options;
		if ((keep = calloc(1, sizeof(sq_option_set))) != NULL)
		{
			jose_json_init(&keep->doc);
			if (parse_options(c, keep, argv[argno], allowed, fn, err) == JOSE_OK)
				sqlite3_set_auxdata(ctx, argno, keep, option_set_free);
			else
				option_set_free(keep);
		}
	}
	*o = set->o;
	if (!set->has_at)
		o->claims.now = sq_now();
	return JOSE_OK;
}

/*
 * A token policy reading the forms given (JOSE_FORM_*) under options o: the
 * allowed algorithms, the expected typ and the claim checks.  An "alg"
 * option of jwt_authenticate is a whitelist, named in messages.
 */
void
sq_token_policy(const sq_options *o, unsigned forms, jose_token_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->forms = forms;
	p->jws_algs = o->jws_algs;
	p->jwe_algs = o->jwe_algs;
	p->jwe_encs = o->jwe_encs;
	p->typ = o->typ;
	p->typ_len = o->typ_len;
	p->claims = o->claims;
	if (o->has_alg)
		p->alg_list = "The option \"alg\"";
}
