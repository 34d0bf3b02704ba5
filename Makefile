# token_ext: JSON Web Tokens for PostgreSQL (PGXS build)

EXTENSION = token_ext token_ext_supabase token_ext_pgjwt
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" token_ext.control)

MODULE_big = token_ext
OBJS = \
	token_ext.o \
	src/core/alg.o \
	src/core/b64url.o \
	src/core/buf.o \
	src/core/claims.o \
	src/core/compact.o \
	src/core/hmac.o \
	src/core/interrupt.o \
	src/core/json.o \
	src/core/jwe.o \
	src/core/jwe_crypto.o \
	src/core/jwe_keymgmt.o \
	src/core/jwe_tables.o \
	src/core/jwk.o \
	src/core/jwk_export.o \
	src/core/jwk_member.o \
	src/core/jwk_pkey.o \
	src/core/jws.o \
	src/core/key.o \
	src/core/keycache.o \
	src/core/keyring_row.o \
	src/core/keygen.o \
	src/core/keyobj.o \
	src/core/keytext.o \
	src/core/pkey.o \
	src/core/pkey_sig.o \
	src/core/sig.o \
	src/core/status.o \
	src/core/token.o \
	src/pg/authenticate.o \
	src/pg/cache_sql.o \
	src/pg/decode.o \
	src/pg/encrypt.o \
	src/pg/errors.o \
	src/pg/jsonb_conv.o \
	src/pg/keyarg.o \
	src/pg/keyring.o \
	src/pg/keytools.o \
	src/pg/pgjwt.o \
	src/pg/session.o \
	src/pg/sign.o \
	src/pg/state.o \
	src/pg/verify.o

DATA = $(wildcard sql/token_ext--*.sql sql/token_ext_supabase--*.sql sql/token_ext_pgjwt--*.sql)
PGFILEDESC = "token_ext - JSON Web Tokens (JWS, JWE, JWK) for PostgreSQL"

REGRESS = init base64url json_strict jsonb_build sign_verify claims keys attacks decode raw \
	asym_keys asym_rsa asym_ecdsa asym_eddsa asym_attacks key_tools \
	jwe_basic jwe_attacks \
	session keyring rls_security postgrest keyring_trigger_guards \
	security_schema security_identity \
	pgjwt_compat supabase_takeover coming_from
REGRESS_OPTS = --inputdir=. --outputdir=.

PG_CONFIG ?= pg_config
PG_CPPFLAGS += -std=c11 -D_GNU_SOURCE -DTOKEN_EXT_VERSION=\"$(EXTVERSION)\" -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
SHLIB_LINK += -lcrypto

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every object depends on every header: the set is small, and a stale object
# compiled against an older struct layout is a crash waiting to happen
$(OBJS) $(OBJS:.o=.bc): $(wildcard src/core/*.h src/pg/*.h)

# C unit tests of the database-independent core (no server needed)
CORE_SRCS = $(filter src/core/%, $(OBJS:.o=.c))
test/core/run_core_tests: test/core/*.c test/core/*.h $(CORE_SRCS) src/core/*.h
	$(CC) -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
		-Wno-missing-field-initializers -o $@ test/core/*.c $(CORE_SRCS) -lcrypto -lm

.PHONY: check-core
check-core: test/core/run_core_tests
	cd test/core && ./run_core_tests

EXTRA_CLEAN = test/core/run_core_tests
