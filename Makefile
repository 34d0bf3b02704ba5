# token_ext: JSON Web Tokens for PostgreSQL (PGXS build)

EXTENSION = token_ext token_ext_supabase token_ext_pgjwt
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" token_ext.control)

MODULE_big = token_ext
OBJS = \
	token_ext.o \
	src/core/alg.o \
	src/core/b64url.o \
	src/core/buf.o \
	src/core/claimpath.o \
	src/core/claims.o \
	src/core/compact.o \
	src/core/forward.o \
	src/core/hmac.o \
	src/core/inspect.o \
	src/core/interrupt.o \
	src/core/issuer.o \
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
	src/core/prepare.o \
	src/core/revocation.o \
	src/core/sig.o \
	src/core/status.o \
	src/core/token.o \
	src/core/tokencache.o \
	src/pg/authenticate.o \
	src/pg/citus.o \
	src/pg/cluster_secret.o \
	src/pg/cache_sql.o \
	src/pg/decode.o \
	src/pg/encrypt.o \
	src/pg/errors.o \
	src/pg/jsonb_conv.o \
	src/pg/keyarg.o \
	src/pg/keyring.o \
	src/pg/keytools.o \
	src/pg/members.o \
	src/pg/memory.o \
	src/pg/pgjwt.o \
	src/pg/revocation.o \
	src/pg/session.o \
	src/pg/sign.o \
	src/pg/state.o \
	src/pg/tokencache.o \
	src/pg/verify.o

DATA = $(wildcard sql/token_ext--*.sql sql/token_ext_supabase--*.sql sql/token_ext_pgjwt--*.sql)
PGFILEDESC = "token_ext - JSON Web Tokens (JWS, JWE, JWK) for PostgreSQL"

REGRESS = init base64url json_strict jsonb_build sign_verify claims keys attacks decode raw \
	asym_keys asym_rsa asym_ecdsa asym_eddsa asym_attacks key_tools \
	jwe_basic jwe_attacks \
	session keyring rls_security postgrest keyring_trigger_guards \
	security_schema security_identity \
	pgjwt_compat supabase_takeover coming_from memory_stats \
	identity_providers revocation token_cache idp_recipes \
	forwarded upgrade
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

# ---------------------------------------------------------------------------
# SQLite extension: `make sqlite` builds token_ext_sqlite.so at the top of the
# tree from the core and src/sqlite (Debian: libsqlite3-dev).  Objects go to
# build/sqlite/, apart from the PGXS objects, since the flags differ; only
# the entry point is exported.
SQLITE_SRCS = $(CORE_SRCS) $(sort $(wildcard src/sqlite/*.c))
SQLITE_OBJS = $(patsubst %.c,build/sqlite/%.o,$(SQLITE_SRCS))
SQLITE_CFLAGS = -std=c11 -D_GNU_SOURCE -O2 -g -fPIC -fvisibility=hidden \
	-DTOKEN_EXT_VERSION=\"$(EXTVERSION)\" -Wall -Wextra -Werror \
	-Wno-unused-parameter -Wno-missing-field-initializers

.PHONY: sqlite clean-sqlite
sqlite: token_ext_sqlite.so

token_ext_sqlite.so: $(SQLITE_OBJS)
	$(CC) -shared -o $@ $(SQLITE_OBJS) -lcrypto -lm -lpthread

build/sqlite/%.o: %.c $(wildcard src/core/*.h src/sqlite/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SQLITE_CFLAGS) -c -o $@ $<

clean: clean-sqlite
clean-sqlite:
	rm -rf build/sqlite token_ext_sqlite.so
