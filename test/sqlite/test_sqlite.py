#!/usr/bin/python3
"""The Python suite of token_ext_sqlite, through the standard sqlite3 module
of Debian's /usr/bin/python3 (whose SQLite can load extensions).

(The README's SQLite examples run in test/readme/sqlite_blocks.py.)  It
covers what a shell script cannot: loading with
conn.load_extension("./token_ext_sqlite"), the exception classes and codes,
per-connection state (claims and key cache apart, freed on close),
connections in several threads, and independent implementations:

- PyJWT (Debian python3-jwt, over pyca/cryptography keys) verifies the
  tokens token_ext_sqlite makes, and the other way round, for every JWS
  algorithm;
- npm jose (test/interop/node_modules; jose_tokens.mjs) likewise, for every
  JWS algorithm it has and every JWE algorithm and content encryption;
- the PostgreSQL extension (the server PGHOST/PGPORT/PGUSER point at, as
  test.sh sets them; SKIP without one): tokens it makes verify and decrypt
  in SQLite and the other way round, and both fail alike, with the same
  message and detail, on the same bad inputs; the same keyring rows
  (keys bound to issuers among them) are refused alike, and give
  jwt.authenticate's and jwt_authenticate's verdicts alike, also for a
  keyring of the earlier layout (PostgreSQL at 0.1.0);
- the RFC 7520 vectors in ../shared/vectors/cookbook (SKIP when absent).

Prints TAP lines and, last, "RESULT passed failed skipped".
"""
import base64
import hashlib
import hmac
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, '..', '..'))
SHARED = os.environ.get('TOKEN_EXT_SHARED') or os.path.join(TOP, '..', 'shared')
COOKBOOK = os.path.join(SHARED, 'vectors', 'cookbook')
SECRET = 'a-secret-of-at-least-32-bytes!!!'
JWS_ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
            'ES256', 'ES384', 'ES512', 'ES256K', 'EdDSA']
JWE_CASES = ([(a, 'A256GCM') for a in
              ['A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW', 'RSA-OAEP',
               'RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW',
               'PBES2-HS256+A128KW', 'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW']] +
             [('dir', e) for e in ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256',
                                   'A192CBC-HS384', 'A256CBC-HS512']])
PASSWORD = 'correct horse battery staple'

TESTS = []


class Skip(Exception):
    """Raised by a test that cannot run here (the reason is its text)."""


def test(fn):
    TESTS.append(fn)
    return fn


def connect():
    """A new in-memory connection with the extension loaded the documented way."""
    conn = sqlite3.connect(':memory:')
    conn.enable_load_extension(True)
    conn.load_extension('./token_ext_sqlite')
    conn.enable_load_extension(False)
    return conn


def one(conn, sql, *params):
    """The single value of a query."""
    return conn.execute(sql, params).fetchone()[0]


def fails(conn, sql, *params):
    """The exception a statement raises (it must raise a sqlite3.Error)."""
    try:
        conn.execute(sql, params).fetchall()
    except sqlite3.Error as e:
        return e
    raise AssertionError('no error from: %s' % sql)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def equal(got, want, what=''):
    if got != want:
        raise AssertionError('%s\n  got:  %r\n  want: %r' % (what, got, want))


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


# ---------------------------------------------------------------------------
# loading, errors, connection state
# ---------------------------------------------------------------------------

@test
def loads_without_naming_the_entry_point():
    """conn.load_extension("./token_ext_sqlite") finds sqlite3_tokenextsqlite_init"""
    conn = connect()
    equal(one(conn, 'SELECT jwt_version()'), '0.2.0')
    t = one(conn, 'SELECT jwt_sign(?, ?)', '{"sub":"py"}', SECRET)
    equal(json.loads(one(conn, 'SELECT jwt_verify(?, ?)', t, SECRET)), {'sub': 'py'})


@test
def errors_carry_the_postgresql_texts_and_a_meaningful_code():
    """token failures raise SQLITE_AUTH, limits SQLITE_TOOBIG, the rest SQLITE_ERROR; text "message: detail" """
    conn = connect()
    t = one(conn, 'SELECT jwt_sign(?, ?)', '{"exp":1000000000}', SECRET)
    e = fails(conn, 'SELECT jwt_verify(?, ?)', t, SECRET)
    equal((type(e).__name__, e.sqlite_errorname, str(e)),
          ('DatabaseError', 'SQLITE_AUTH', 'token has expired: The token expired at 2001-09-09 01:46:40 UTC.'))
    e = fails(conn, 'SELECT jwt_verify(?, ?)', 'x' * 70000, SECRET)
    equal((type(e).__name__, e.sqlite_errorname), ('DataError', 'SQLITE_TOOBIG'))
    e = fails(conn, 'SELECT jwt_verify(?, ?)', 'abc', SECRET)
    equal((type(e).__name__, e.sqlite_errorname, str(e)),
          ('OperationalError', 'SQLITE_ERROR',
           'malformed token: A compact JWS has three base64url segments separated by periods.'))
    check(str(e).split(': ')[0] == 'malformed token', 'the primary message is the text before ": "')


@test
def results_have_sqlite_types():
    """claims are TEXT (JSON), raw payloads BLOB, thumbprints TEXT, NULL in gives NULL out"""
    conn = connect()
    t = one(conn, 'SELECT jwt_sign_raw(?, ?)', b'\x00\x01binary', SECRET)
    equal(one(conn, 'SELECT jwt_verify_raw(?, ?)', t, SECRET), b'\x00\x01binary')
    equal(one(conn, 'SELECT typeof(jwt_verify(jwt_sign(?, ?), ?))', '{}', SECRET, SECRET), 'text')
    equal(one(conn, 'SELECT jwt_verify(?, ?)', None, SECRET), None)
    equal(one(conn, 'SELECT jwt_try_verify(?, ?)', 'not.a.token', SECRET), None)


@test
def claims_come_back_as_compact_json():
    """a compact payload comes back byte for byte; whitespace or escapes are written out compactly"""
    conn = connect()
    cases = [
        ('{"sub":"a b","n":[1,2.50,-0,1e5],"o":{},"t":true}', '{"sub":"a b","n":[1,2.50,-0,1e5],"o":{},"t":true}'),
        ('{"sub":"\\u00e9\\u20ac"}', '{"sub":"\u00e9\u20ac"}'),
        ('{"sub":"x\\"y"}', '{"sub":"x\\"y"}'),
        ('{"sub":"\\/"}', '{"sub":"/"}'),
        (' { "sub" : "a" ,\n "n" : [ 1 , 2 ] } ', '{"sub":"a","n":[1,2]}'),
        ('{"sub":"a"}\r\n', '{"sub":"a"}'),
    ]
    for payload, want in cases:
        t = one(conn, 'SELECT jwt_sign_raw(?, ?)', payload, SECRET)
        for fn in ('jwt_verify', 'jwt_try_verify'):
            got = one(conn, 'SELECT %s(?, ?)' % fn, t, SECRET)
            equal(got, want, '%s of %r' % (fn, payload))
            equal(one(conn, 'SELECT json_valid(?)', got), 1, 'valid JSON: ' + got)


@test
def claims_and_key_caches_are_per_connection():
    """jwt_authenticate in one connection leaves another's claims and key cache untouched"""
    a, b = connect(), connect()
    for c in (a, b):
        with open(os.path.join(TOP, 'src', 'sqlite', 'jwt_keyring.sql')) as f:
            c.executescript(f.read())
    k = one(a, "SELECT jwt_generate_key('HS256')")
    for c in (a, b):
        c.execute("INSERT INTO jwt_keyring (kid, purposes, key) VALUES (?, '[\"verify\"]', ?)",
                  (json.loads(k)['kid'], k))
    t = one(a, 'SELECT jwt_sign(?, ?)', '{"sub":"alice"}', k)
    equal(json.loads(one(a, 'SELECT jwt_authenticate(?)', t)), {'sub': 'alice'})
    equal((one(a, 'SELECT jwt_sub()'), one(b, 'SELECT jwt_sub()')), ('alice', None))
    equal(json.loads(one(b, 'SELECT jwt_key_cache_stats()'))['entries'], 0)
    check(json.loads(one(a, 'SELECT jwt_key_cache_stats()'))['entries'] >= 1, 'a cached its key')
    one(b, 'SELECT jwt_authenticate(?)', t)
    one(a, 'SELECT jwt_clear()')
    equal((one(a, 'SELECT jwt_sub()'), one(b, 'SELECT jwt_sub()')), (None, 'alice'))


def rss_kib():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') // 1024


@test
def closing_a_connection_frees_its_state():
    """2,000 connections that cache keys and keep claims, each closed: memory stays flat"""
    def cycle():
        conn = connect()
        conn.execute("CREATE TABLE jwt_keyring (kid, purposes, alg, key, not_before, not_after)")
        k = one(conn, "SELECT jwt_generate_key('HS256')")
        conn.execute("INSERT INTO jwt_keyring VALUES (?, '[\"verify\"]', NULL, ?, 0, NULL)",
                     (json.loads(k)['kid'], k))
        t = one(conn, 'SELECT jwt_sign(?, ?)', '{"sub":"x"}', k)
        one(conn, 'SELECT jwt_authenticate(?)', t)
        one(conn, "SELECT jwt_decrypt(jwt_encrypt('{}', ?), ?)", SECRET, SECRET)
        conn.close()
    for _ in range(300):
        cycle()
    before = rss_kib()
    for _ in range(2000):
        cycle()
    grown = rss_kib() - before
    check(grown < 4096, 'RSS grew by %d KiB over 2,000 connections' % grown)


@test
def loading_twice_replaces_the_state():
    """a second load into the same connection re-registers the functions; the old state is freed"""
    conn = connect()
    conn.execute("CREATE TABLE jwt_keyring (kid, purposes, alg, key, not_before, not_after)")
    conn.execute("INSERT INTO jwt_keyring VALUES ('k', '[\"verify\"]', NULL, ?, 0, NULL)",
                 ('{"kty":"oct","k":"%s"}' % b64u(SECRET.encode()),))
    one(conn, 'SELECT jwt_authenticate(?)',
        one(conn, 'SELECT jwt_sign(?, ?, NULL, ?)', '{"sub":"a"}', SECRET, '{"kid":"k"}'))
    equal(one(conn, 'SELECT jwt_sub()'), 'a')
    conn.enable_load_extension(True)
    conn.load_extension('./token_ext_sqlite')
    equal(one(conn, 'SELECT jwt_sub()'), None)
    equal(one(conn, 'SELECT jwt_version()'), '0.2.0')


@test
def connections_in_several_threads():
    """4 threads, a connection each, verify ES256/PS256 and decrypt at once: every result right"""
    setup = connect()
    setup.execute("CREATE TABLE k AS SELECT jwt_generate_key('ES256') AS es, jwt_generate_key('RSA') AS rsa, "
                  "jwt_generate_key('ECDH-ES+A128KW') AS ecdh, jwt_generate_key('A256GCM') AS dir")
    es, rsa, ecdh, dir_ = setup.execute('SELECT es, rsa, ecdh, dir FROM k').fetchone()
    work = []
    for i in range(40):
        claims = '{"n":%d}' % i
        work.append(('SELECT jwt_verify(?, jwt_public_jwk(?))',
                     one(setup, 'SELECT jwt_sign(?, ?)', claims, es), es, claims))
        work.append(('SELECT jwt_verify(?, jwt_public_jwk(?), \'{"alg":"PS256"}\')',
                     one(setup, "SELECT jwt_sign(?, ?, 'PS256')", claims, rsa), rsa, claims))
        work.append(('SELECT jwt_decrypt(?, ?)', one(setup, 'SELECT jwt_encrypt(?, jwt_public_jwk(?))', claims, ecdh),
                     ecdh, claims))
        work.append(('SELECT jwt_decrypt(?, ?)', one(setup, "SELECT jwt_encrypt(?, ?, 'dir', 'A256GCM')", claims, dir_),
                     dir_, claims))
    errors = []

    def run():
        conn = sqlite3.connect(':memory:', check_same_thread=False)
        conn.enable_load_extension(True)
        conn.load_extension('./token_ext_sqlite')
        for _ in range(5):
            for sql, token, key, claims in work:
                got = one(conn, sql, token, key)
                if got != claims:
                    errors.append((sql, got, claims))
        conn.close()
    threads = [threading.Thread(target=run) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    equal(errors[:3], [])


# ---------------------------------------------------------------------------
# session claims and views
# ---------------------------------------------------------------------------

def keyring_connection():
    conn = connect()
    with open(os.path.join(TOP, 'src', 'sqlite', 'jwt_keyring.sql')) as f:
        conn.executescript(f.read())
    k = one(conn, "SELECT jwt_generate_key('ES256')")
    conn.execute("INSERT INTO jwt_keyring (kid, purposes, key) VALUES (?, '[\"sign\",\"verify\"]', ?)",
                 (json.loads(k)['kid'], k))
    return conn, k


@test
def views_over_the_claims_with_trusted_schema_on_and_off():
    """a view WHERE owner = jwt_sub() shows each caller its rows, with trusted_schema on and off"""
    conn, k = keyring_connection()
    conn.executescript("""
        CREATE TABLE notes (id INTEGER PRIMARY KEY, owner TEXT, body TEXT);
        INSERT INTO notes (owner, body) VALUES ('alice', 'a1'), ('bob', 'b1'), ('alice', 'a2');
        CREATE VIEW my_notes AS SELECT id, body FROM notes WHERE owner = jwt_sub();
        CREATE TRIGGER notes_clear AFTER UPDATE ON notes BEGIN SELECT jwt_clear(); END;""")
    alice = one(conn, 'SELECT jwt_sign(?, ?)', '{"sub":"alice"}', k)
    bob = one(conn, 'SELECT jwt_sign(?, ?)', '{"sub":"bob"}', k)
    for trusted in ('ON', 'OFF'):
        conn.execute('PRAGMA trusted_schema = %s' % trusted)
        equal(conn.execute('SELECT body FROM my_notes').fetchall(), [], 'no claims, no rows')
        one(conn, 'SELECT jwt_authenticate(?)', alice)
        equal(conn.execute('SELECT body FROM my_notes ORDER BY id').fetchall(), [('a1',), ('a2',)])
        one(conn, 'SELECT jwt_authenticate(?)', bob)
        equal(conn.execute('SELECT body FROM my_notes').fetchall(), [('b1',)])
        e = fails(conn, "UPDATE notes SET body = body WHERE id = 1")
        equal(str(e), 'unsafe use of jwt_clear()')
        equal(one(conn, 'SELECT jwt_sub()'), 'bob')
        one(conn, 'SELECT jwt_clear()')


@test
def an_authorizer_can_confine_sql_to_the_view():
    """with an authorizer denying notes except through my_notes, the view works and the base table is refused"""
    conn, k = keyring_connection()
    conn.executescript("""
        CREATE TABLE notes (id INTEGER PRIMARY KEY, owner TEXT, body TEXT);
        INSERT INTO notes (owner, body) VALUES ('alice', 'a1'), ('bob', 'b1');
        CREATE VIEW my_notes AS SELECT id, body FROM notes WHERE owner = jwt_sub();""")
    one(conn, 'SELECT jwt_authenticate(?)', one(conn, 'SELECT jwt_sign(?, ?)', '{"sub":"alice"}', k))

    def authorizer(action, arg1, arg2, dbname, source):
        if action == sqlite3.SQLITE_READ and arg1 in ('notes', 'jwt_keyring') and source != 'my_notes':
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK
    conn.set_authorizer(authorizer)
    equal(conn.execute('SELECT body FROM my_notes').fetchall(), [('a1',)])
    e = fails(conn, 'SELECT body FROM notes')
    equal((type(e).__name__, str(e)), ('DatabaseError', 'access to notes.body is prohibited'))
    e = fails(conn, 'SELECT key FROM jwt_keyring')
    equal(str(e), 'access to jwt_keyring.key is prohibited')


@test
def a_bound_key_is_looked_up_once_per_statement():
    """a key bound as a parameter is constant for the statement: 500 rows cost one cache lookup"""
    conn = connect()
    conn.execute("CREATE TABLE t AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) "
                 "SELECT jwt_sign(json_object('n', i), ?) AS tok FROM n", (SECRET,))
    before = json.loads(one(conn, 'SELECT jwt_key_cache_stats()'))
    equal(one(conn, 'SELECT count(jwt_verify(tok, ?)) FROM t', SECRET), 500)
    after = json.loads(one(conn, 'SELECT jwt_key_cache_stats()'))
    equal((after['hits'] - before['hits'], after['misses'] - before['misses']), (1, 0))


@test
def leeway_defaults_to_thirty_seconds_in_jwt_authenticate():
    """a token expired 5 s ago passes jwt_authenticate by default, not with {"leeway":0}"""
    conn, k = keyring_connection()
    t = one(conn, 'SELECT jwt_sign(?, ?)', json.dumps({'sub': 'erin', 'exp': int(time.time()) - 5}), k)
    equal(json.loads(one(conn, 'SELECT jwt_authenticate(?)', t))['sub'], 'erin')
    e = fails(conn, 'SELECT jwt_authenticate(?, ?)', t, '{"leeway":0}')
    check(str(e).startswith('token has expired: The token expired at '), str(e))
    equal(one(conn, 'SELECT jwt_sub()'), None)


@test
def readme_shows_the_keyring_statements_verbatim():
    """README.md holds every statement of src/sqlite/jwt_keyring.sql (the table, its index and triggers) as written"""
    with open(os.path.join(TOP, 'src', 'sqlite', 'jwt_keyring.sql')) as f:
        ddl = '\n'.join(line for line in f.read().split('\n') if not line.startswith('--'))
    stmt = ddl.strip()
    check(stmt.startswith('CREATE TABLE') and stmt.count('CREATE UNIQUE INDEX') == 1 and stmt.count('CREATE TRIGGER') == 2,
          'the file holds the table, an index and two triggers')
    with open(os.path.join(TOP, 'README.md')) as f:
        check(stmt in f.read(), 'the README holds the statements of src/sqlite/jwt_keyring.sql')


# ---------------------------------------------------------------------------
# PyJWT
# ---------------------------------------------------------------------------

def pyjwt():
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
    return jwt, serialization, ec, ed25519, ed448, rsa


def python_key(alg):
    """(private key object or secret, public PEM or secret) made by pyca/cryptography."""
    jwt, ser, ec, ed25519, ed448, rsa = pyjwt()
    if alg.startswith('HS'):
        secret = os.urandom({'HS256': 32, 'HS384': 48, 'HS512': 64}[alg])
        return secret, secret
    if alg[:2] in ('RS', 'PS'):
        priv = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif alg == 'EdDSA':
        priv = ed25519.Ed25519PrivateKey.generate()
    else:
        curve = {'ES256': ec.SECP256R1(), 'ES384': ec.SECP384R1(), 'ES512': ec.SECP521R1(),
                 'ES256K': ec.SECP256K1()}[alg]
        priv = ec.generate_private_key(curve)
    pem = priv.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
    return priv, pem.decode()


@test
def pyjwt_tokens_verify_in_sqlite():
    """PyJWT signs with pyca keys (every JWS algorithm); jwt_verify with the SPKI PEM text (or BLOB secret) accepts"""
    jwt = pyjwt()[0]
    conn = connect()
    for alg in JWS_ALGS:
        priv, pub = python_key(alg)
        claims = {'sub': 'pyjwt-' + alg, 'exp': int(time.time()) + 600}
        token = jwt.encode(claims, priv, algorithm=alg)
        got = one(conn, 'SELECT jwt_verify(?, ?, ?)', token, pub, json.dumps({'alg': alg}))
        equal(json.loads(got), claims, alg)


@test
def sqlite_tokens_verify_in_pyjwt():
    """jwt_sign with generated JWKs (every JWS algorithm); PyJWT verifies with jwt_pem_from_jwk of the public JWK"""
    jwt = pyjwt()[0]
    conn = connect()
    rsa = one(conn, "SELECT jwt_generate_key('RSA')")
    for alg in JWS_ALGS:
        k = rsa if alg[:2] in ('RS', 'PS') else one(conn, 'SELECT jwt_generate_key(?)', alg)
        claims = {'sub': 'sqlite-' + alg, 'n': [1, 2.5, None], 'exp': int(time.time()) + 600}
        token = one(conn, 'SELECT jwt_sign(?, ?, ?)', json.dumps(claims), k, alg)
        if alg.startswith('HS'):
            key = base64.urlsafe_b64decode(json.loads(k)['k'] + '==')
        else:
            key = one(conn, 'SELECT jwt_pem_from_jwk(jwt_public_jwk(?))', k)
        equal(jwt.decode(token, key, algorithms=[alg]), claims, alg)


@test
def hs256_is_the_hmac_of_the_signing_input():
    """an HS256 signature equals Python's hmac over header.payload (the same bytes, computed apart)"""
    conn = connect()
    token = one(conn, 'SELECT jwt_sign(?, ?)', '{"sub":"ada"}', SECRET)
    head, payload, sig = token.split('.')
    equal(sig, b64u(hmac.new(SECRET.encode(), (head + '.' + payload).encode(), hashlib.sha256).digest()))
    equal(base64.urlsafe_b64decode(head + '=='), b'{"alg":"HS256","typ":"JWT"}')


# ---------------------------------------------------------------------------
# npm jose
# ---------------------------------------------------------------------------

def jose(mode, stdin=None):
    node_modules = os.path.join(TOP, 'test', 'interop', 'node_modules', 'jose')
    if not os.path.isdir(node_modules):
        raise AssertionError('npm jose is not installed (test/interop/install.sh)')
    run = subprocess.run(['node', os.path.join(HERE, 'jose_tokens.mjs'), mode], input=stdin,
                         capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        raise AssertionError('jose_tokens.mjs %s failed: %s' % (mode, run.stderr))
    return json.loads(run.stdout)


def jose_case_key(case):
    """The key text token_ext_sqlite decrypts or verifies a jose case with."""
    return case['key'] if isinstance(case['key'], str) else json.dumps(case['key'])


@test
def jose_tokens_verify_and_decrypt_in_sqlite():
    """jose's tokens (13 JWS algorithms, 15 key managements, 6 encryptions, ECDH on X25519/P-521, nested) open in SQLite"""
    conn = connect()
    cases = jose('make')
    equal(len(cases), 37, 'the number of jose cases')
    for c in cases:
        opts = {'audience': 'sqlite', 'issuer': 'jose'}
        if c['kind'] == 'jws':
            got = one(conn, 'SELECT jwt_verify(?, ?, ?)', c['token'], jose_case_key(c),
                      json.dumps(dict(opts, alg=c['alg'])))
        elif c['kind'] == 'jwe':
            got = one(conn, 'SELECT jwt_decrypt(?, ?, ?)', c['token'], jose_case_key(c),
                      json.dumps(dict(opts, alg=c['alg'], enc=c['enc'])))
        else:
            got = one(conn, 'SELECT jwt_decrypt_and_verify(?, ?, ?, ?)', c['token'], jose_case_key(c),
                      json.dumps(c['vkey']), json.dumps(dict(opts, sign_alg='ES256')))
        equal(json.loads(got), c['claims'], '%s %s %s' % (c['kind'], c['alg'], c.get('enc')))


@test
def sqlite_tokens_verify_and_decrypt_in_jose():
    """token_ext_sqlite's tokens for the same cases verify and decrypt in jose"""
    conn = connect()
    cases = jose('cases')
    out = []
    for alg in cases['jws']:
        k = one(conn, 'SELECT jwt_generate_key(?)', alg)
        claims = {'sub': 'sqlite-' + alg}
        key = json.loads(k) if alg.startswith('HS') else json.loads(one(conn, 'SELECT jwt_public_jwk(?)', k))
        if alg.startswith('HS'):
            key.pop('alg')
        out.append({'kind': 'jws', 'alg': alg, 'key': key, 'claims': claims,
                    'token': one(conn, 'SELECT jwt_sign(?, ?)', json.dumps(claims), k)})
    for alg, enc, crv in cases['jwe']:
        claims = {'sub': 'sqlite-%s-%s' % (alg, enc)}
        if alg.startswith('PBES2'):
            key, token = PASSWORD, one(conn, 'SELECT jwt_encrypt(?, ?, ?, ?)', json.dumps(claims), PASSWORD, alg, enc)
        else:
            k = one(conn, 'SELECT jwt_generate_key(?)', crv or (enc if alg == 'dir' else alg))
            pub = k if json.loads(k)['kty'] == 'oct' else one(conn, 'SELECT jwt_public_jwk(?)', k)
            token = one(conn, 'SELECT jwt_encrypt(?, ?, ?, ?)', json.dumps(claims), pub, alg, enc)
            key = json.loads(k)
            key.pop('alg', None)
        out.append({'kind': 'jwe', 'alg': alg, 'enc': enc, 'key': key, 'claims': claims, 'token': token})
    s, e = one(conn, "SELECT jwt_generate_key('ES256')"), one(conn, "SELECT jwt_generate_key('RSA-OAEP-256')")
    claims = {'sub': 'sqlite-nested'}
    out.append({'kind': 'nested', 'alg': 'RSA-OAEP-256', 'enc': 'A256GCM', 'sign_alg': 'ES256',
                'key': json.loads(e), 'vkey': json.loads(one(conn, 'SELECT jwt_public_jwk(?)', s)),
                'claims': claims,
                'token': one(conn, 'SELECT jwt_sign_and_encrypt(?, ?, jwt_public_jwk(?))', json.dumps(claims), s, e)})
    results = jose('check', json.dumps(out))
    bad = [(o['kind'], o['alg'], o.get('enc'), r) for o, r in zip(out, results)
           if not r['ok'] or r['claims'] != o['claims']]
    equal(bad, [])
    equal(len(results), 37)


# ---------------------------------------------------------------------------
# the PostgreSQL extension
# ---------------------------------------------------------------------------

PG_DB = 'token_ext_sqlite_xcheck'
PG_OUTCOME = r"""
CREATE FUNCTION pg_temp.outcome(stmt text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE r text; msg text; det text;
BEGIN
  EXECUTE stmt INTO r;
  RETURN 'OK ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
  RETURN 'ERROR ' || msg || coalesce(': ' || nullif(det, ''), '');
END $f$;
"""
_pg_ready = None


def lit(s, tag='q'):
    """A PostgreSQL dollar-quoted literal (another tag for a literal holding literals)."""
    check('$%s$' % tag not in s, 'no $%s$ in a literal' % tag)
    return '$%s$%s$%s$' % (tag, s, tag)


def psql(sql, db=PG_DB):
    """Run sql in one psql session; rows of fields (separators \\x1e and \\x1f)."""
    run = subprocess.run(['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-F', '\x1f',
                          '-R', '\x1e', '-d', db], input=sql, capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        raise AssertionError('psql failed: ' + run.stderr.strip())
    # records end in \x1e within a result, and in a newline after each result
    return [r.split('\x1f') for r in re.split('[\x1e\n]', run.stdout) if r != '']


def pg():
    """Make the scratch database (once), or Skip when there is no server."""
    global _pg_ready
    if _pg_ready is None:
        if not os.environ.get('PGHOST'):
            _pg_ready = 'PGHOST is not set (test.sh sets it to its server)'
        else:
            try:
                psql('DROP DATABASE IF EXISTS %s WITH (FORCE);\nCREATE DATABASE %s;' % (PG_DB, PG_DB),
                     db='postgres')
                psql('CREATE EXTENSION token_ext;')
                _pg_ready = True
            except (AssertionError, OSError) as e:
                _pg_ready = 'no PostgreSQL with token_ext: %s' % e
    if _pg_ready is not True:
        raise Skip(_pg_ready)


def pg_key_for(alg, enc):
    """The jwt.generate_key kind for a JWE case (dir keys by their enc)."""
    return enc if alg == 'dir' else alg


@test
def postgresql_tokens_verify_in_sqlite():
    """jwt.sign in PostgreSQL with its generated keys, every JWS algorithm (and Ed448): jwt_verify in SQLite"""
    pg()
    algs = JWS_ALGS + ['Ed448']
    rows = psql('\n'.join(
        "SELECT %s, k, jwt.sign(jsonb_build_object('sub', 'pg-' || %s), k::jsonb, %s) "
        "FROM (SELECT jwt.generate_key(%s)::text AS k) x;" % (lit(a), lit(a), lit('EdDSA' if a == 'Ed448' else a), lit(a))
        for a in algs))
    conn = connect()
    equal(len(rows), len(algs))
    for alg, k, token in rows:
        key = k if alg.startswith('HS') else one(conn, 'SELECT jwt_public_jwk(?)', k)
        equal(json.loads(one(conn, 'SELECT jwt_verify(?, ?)', token, key)), {'sub': 'pg-' + alg}, alg)


@test
def sqlite_tokens_verify_in_postgresql():
    """jwt_sign in SQLite, every JWS algorithm (and Ed448): jwt.verify in PostgreSQL with the public JWK"""
    pg()
    conn = connect()
    checks = []
    for alg in JWS_ALGS + ['Ed448']:
        k = one(conn, 'SELECT jwt_generate_key(?)', alg)
        token = one(conn, 'SELECT jwt_sign(?, ?)', json.dumps({'sub': 'sqlite-' + alg}), k)
        key = k if alg.startswith('HS') else one(conn, 'SELECT jwt_public_jwk(?)', k)
        checks.append("SELECT %s, jwt.verify(%s, %s::jsonb)::text;" % (lit(alg), lit(token), lit(key)))
    for alg, claims in psql('\n'.join(checks)):
        equal(json.loads(claims), {'sub': 'sqlite-' + alg}, alg)


@test
def postgresql_encryptions_decrypt_in_sqlite():
    """jwt.encrypt in PostgreSQL, every key management and content encryption: jwt_decrypt in SQLite"""
    pg()
    sql = []
    for alg, enc in JWE_CASES:
        if alg.startswith('PBES2'):
            sql.append("SELECT %s, %s, %s, jwt.encrypt('{\"sub\":\"pg\"}'::jsonb, %s::text, %s, %s);"
                       % (lit(alg), lit(enc), lit(PASSWORD), lit(PASSWORD), lit(alg), lit(enc)))
        else:
            sql.append("SELECT %s, %s, k, jwt.encrypt('{\"sub\":\"pg\"}'::jsonb, "
                       "CASE WHEN k::jsonb->>'kty' = 'oct' THEN k::jsonb ELSE jwt.public_jwk(k::jsonb) END, %s, %s) "
                       "FROM (SELECT jwt.generate_key(%s)::text AS k) x;"
                       % (lit(alg), lit(enc), lit(alg), lit(enc), lit(pg_key_for(alg, enc))))
    conn = connect()
    rows = psql('\n'.join(sql))
    equal(len(rows), len(JWE_CASES))
    for alg, enc, key, token in rows:
        got = one(conn, 'SELECT jwt_decrypt(?, ?, ?)', token, key, json.dumps({'alg': alg, 'enc': enc}))
        equal(json.loads(got), {'sub': 'pg'}, '%s %s' % (alg, enc))


@test
def sqlite_encryptions_decrypt_in_postgresql():
    """jwt_encrypt in SQLite, every key management and content encryption: jwt.decrypt in PostgreSQL"""
    pg()
    conn = connect()
    sql = []
    for alg, enc in JWE_CASES:
        if alg.startswith('PBES2'):
            token = one(conn, 'SELECT jwt_encrypt(?, ?, ?, ?)', '{"sub":"sqlite"}', PASSWORD, alg, enc)
            sql.append("SELECT %s, %s, jwt.decrypt(%s, %s::text, %s, %s)::text;"
                       % (lit(alg), lit(enc), lit(token), lit(PASSWORD), lit(alg), lit(enc)))
            continue
        k = one(conn, 'SELECT jwt_generate_key(?)', pg_key_for(alg, enc))
        pub = k if json.loads(k)['kty'] == 'oct' else one(conn, 'SELECT jwt_public_jwk(?)', k)
        token = one(conn, 'SELECT jwt_encrypt(?, ?, ?, ?)', '{"sub":"sqlite"}', pub, alg, enc)
        sql.append("SELECT %s, %s, jwt.decrypt(%s, %s::jsonb)::text;" % (lit(alg), lit(enc), lit(token), lit(k)))
    rows = psql('\n'.join(sql))
    equal(len(rows), len(JWE_CASES))
    for alg, enc, claims in rows:
        equal(json.loads(claims), {'sub': 'sqlite'}, '%s %s' % (alg, enc))


@test
def nested_tokens_cross_both_ways():
    """jwt.sign_and_encrypt in PostgreSQL opens with jwt_decrypt_and_verify, and the other way round"""
    pg()
    conn = connect()
    rows = psql("SELECT s, e, jwt.sign_and_encrypt('{\"sub\":\"pg-nested\"}', s::jsonb, jwt.public_jwk(e::jsonb)) "
                "FROM (SELECT jwt.generate_key('ES384')::text AS s, jwt.generate_key('ECDH-ES+A256KW')::text AS e) x;")
    s, e, token = rows[0]
    got = one(conn, 'SELECT jwt_decrypt_and_verify(?, ?, jwt_public_jwk(?))', token, e, s)
    equal(json.loads(got), {'sub': 'pg-nested'})
    s = one(conn, "SELECT jwt_generate_key('EdDSA')")
    e = one(conn, "SELECT jwt_generate_key('RSA-OAEP')")
    token = one(conn, 'SELECT jwt_sign_and_encrypt(?, ?, jwt_public_jwk(?))', '{"sub":"sqlite-nested"}', s, e)
    rows = psql('SELECT jwt.decrypt_and_verify(%s, %s::jsonb, jwt.public_jwk(%s::jsonb))::text;'
                % (lit(token), lit(e), lit(s)))
    equal(json.loads(rows[0][0]), {'sub': 'sqlite-nested'})


def pg_call(fn, token, key, key_type, opts):
    """The PostgreSQL call matching a SQLite call with an options object."""
    args = [lit(token), ('convert_to(%s, \'UTF8\')' % lit(key)) if key_type == 'bytea'
            else '%s::%s' % (lit(key), key_type)]
    for name, value in opts.items():
        if name == 'required':
            args.append('required => ARRAY[%s]::text[]' % ', '.join(lit(v) for v in value))
        elif name == 'leeway':
            args.append("leeway => make_interval(secs => %s)" % value)
        elif name == 'at':
            args.append('at => to_timestamp(%s)' % value)
        else:
            args.append('%s => %s' % (name, lit(value if isinstance(value, str) else ','.join(value))))
    return 'jwt.%s(%s)::text' % (fn, ', '.join(args))


@test
def failures_read_alike_in_both():
    """the same bad tokens, keys and options fail with the same message and detail in both extensions"""
    pg()
    conn = connect()
    conn.execute("CREATE TABLE k AS SELECT jwt_generate_key('ES256') AS es, jwt_generate_key('A256GCM') AS dir, "
                 "jwt_generate_key('A256GCM') AS dir2")
    es, dir_, dir2 = conn.execute('SELECT es, dir, dir2 FROM k').fetchone()
    es_pub = one(conn, 'SELECT jwt_public_jwk(?)', es)
    pem = one(conn, 'SELECT jwt_pem_from_jwk(?)', es_pub)
    sign = lambda claims, key=SECRET: one(conn, 'SELECT jwt_sign(?, ?)', claims, key)
    ok = sign('{"sub":"a","aud":"x","iss":"i"}')
    jwe = one(conn, 'SELECT jwt_encrypt(?, ?)', '{"sub":"a"}', dir_)
    nested = one(conn, 'SELECT jwt_sign_and_encrypt(?, ?, ?)', '{"sub":"a"}', SECRET, dir_)
    hs = lambda h, p: (lambda si: si + '.' + b64u(hmac.new(SECRET.encode(), si.encode(), hashlib.sha256).digest()))(
        b64u(h.encode()) + '.' + b64u(p.encode()))
    # (function, token, key, key type, options)
    cases = [
        ('verify', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.', SECRET, 'text', {}),
        ('verify', ok, SECRET, 'text', {'audience': 'api'}),
        ('verify', ok, SECRET, 'text', {'issuer': 'other'}),
        ('verify', ok, SECRET, 'text', {'required': ['sub', 'exp']}),
        ('verify', ok, SECRET, 'text', {'typ': 'at+jwt'}),
        ('verify', ok, SECRET, 'text', {'alg': 'HS257'}),
        ('verify', ok, SECRET, 'text', {'alg': ['HS384', 'HS512']}),
        ('verify', sign('{"exp":1000000000}'), SECRET, 'text', {}),
        ('verify', sign('{"exp":1000}'), SECRET, 'text', {'at': 1030, 'leeway': 20}),
        ('verify', sign('{"nbf":4000000000}'), SECRET, 'text', {}),
        ('verify', sign('{"iat":4000000000}'), SECRET, 'text', {}),
        ('verify', sign('{"exp":"soon"}'), SECRET, 'text', {}),
        ('verify', sign('{"aud":[1]}'), SECRET, 'text', {'audience': 'api'}),
        ('verify', ok, 'another-secret-that-is-32-bytes!', 'text', {}),
        ('verify', ok, 'short', 'text', {}),
        ('verify', ok, es_pub, 'jsonb', {}),
        ('verify', ok, pem, 'text', {}),
        ('verify', ok, pem, 'bytea', {}),
        ('verify', ok, es_pub, 'bytea', {}),
        ('verify', ok, '{"kty":"oct"}', 'text', {}),
        ('verify', sign('{}', es), SECRET, 'text', {}),
        ('verify', '', SECRET, 'text', {}),
        ('verify', 'abc', SECRET, 'text', {}),
        ('verify', 'a.b.c', SECRET, 'text', {}),
        ('verify', 'x' * 70000, SECRET, 'text', {}),
        ('verify', hs('{"alg":"HS256","crit":["exp"],"exp":1}', '{}'), SECRET, 'text', {}),
        ('verify', hs('{"alg":"HS256","alg":"HS256"}', '{}'), SECRET, 'text', {}),
        ('verify', hs('{"alg":"HS256"}', '[1]'), SECRET, 'text', {}),
        ('verify', hs('{"alg":"HS256"}', '{"sub":"a\\u0000"}'), SECRET, 'text', {}),
        ('verify', jwe, SECRET, 'text', {}),
        ('verify_raw', hs('{"alg":"HS256","b64":false}', 'x'), SECRET, 'text', {}),
        ('decrypt', ok, dir_, 'jsonb', {}),
        ('decrypt', jwe, dir2, 'jsonb', {}),
        ('decrypt', jwe, dir_, 'jsonb', {'alg': 'RSA1_5'}),
        ('decrypt', jwe, dir_, 'jsonb', {'enc': 'A128GCM'}),
        ('decrypt', nested, dir_, 'jsonb', {}),
        ('decrypt_raw', jwe, es, 'jsonb', {}),
        # the leeway's range is token_ext.leeway's, 0 to 1 day
        ('verify', ok, SECRET, 'text', {'leeway': 86401}),
        # key text that is key material in another shape is never a secret
        ('verify', ok, 'my key: ' + es_pub, 'text', {}),
        ('verify', ok, '\ufeff' + SECRET, 'text', {}),
        ('verify', ok, ''.join(pem.split('\n')[1:-2]), 'text', {}),
    ]
    sql = [PG_OUTCOME] + ['SELECT pg_temp.outcome(%s);' % lit('SELECT ' + pg_call(*c), 'o') for c in cases]
    pg_texts = [r[0] for r in psql('\n'.join(sql))]
    equal(len(pg_texts), len(cases))
    for (fn, token, key, key_type, opts), pg_text in zip(cases, pg_texts):
        key_value = key.encode() if key_type == 'bytea' else key
        try:
            one(conn, 'SELECT jwt_%s(?, ?, ?)' % fn, token, key_value, json.dumps(opts) if opts else None)
            sqlite_text = 'OK'
        except sqlite3.Error as e:
            sqlite_text = 'ERROR ' + str(e)
        check(pg_text.startswith('ERROR '), 'PostgreSQL accepted %s %r' % (fn, opts))
        # the same message and detail (SQLite appends a hint sentence after some details)
        want = pg_text
        check(sqlite_text == want or sqlite_text.startswith(want + ' '),
              '%s %s %r:\n  PostgreSQL: %s\n  SQLite:     %s' % (fn, key_type, opts, pg_text, sqlite_text))


@test
def keyring_rows_are_judged_alike_in_both():
    """the same bad keyring rows are refused by PostgreSQL's jwt.keyring and SQLite's jwt_keyring, with the same texts"""
    pg()
    conn = connect()
    with open(os.path.join(TOP, 'src', 'sqlite', 'jwt_keyring.sql')) as f:
        conn.executescript(f.read())
    es = one(conn, "SELECT jwt_generate_key('ES256')")
    es_pub = one(conn, 'SELECT jwt_public_jwk(?)', es)
    good = '{"kty":"oct","k":"%s"}' % b64u(os.urandom(32))
    # (kid, purposes, alg, key, not_before, not_after, issuer, audience)
    cases = [
        ('k1', ['sign', 'nope'], None, good, 0, None, None, None),
        ('k1', [], None, good, 0, None, None, None),
        ('k1', None, None, good, 0, None, None, None),
        ('', ['verify'], None, good, 0, None, None, None),
        ('k' * 257, ['verify'], None, good, 0, None, None, None),
        ('k1', ['verify'], None, good, 10, 5, None, None),
        ('k1', ['verify'], 'XX99', good, 0, None, None, None),
        ('k1', ['verify'], None, None, 0, None, None, None),
        ('k1', ['sign'], None, es_pub, 0, None, None, None),
        ('k1', ['verify'], 'RS256', es_pub, 0, None, None, None),
        ('k1', ['verify'], None, '{"kty":"oct","k":"c2hvcnQ"}', 0, None, None, None),
        ('k1', ['verify'], None, '{"keys":[%s]}' % es_pub, 0, None, None, None),
        ('k1', ['verify'], None, '{"kty":"EC"}', 0, None, None, None),
        # the columns of issuer-bound keys
        ('k1', ['verify'], None, good, 0, None, '', None),
        ('k1', ['verify'], None, good, 0, None, 'i' * 1025, None),
        ('k1', ['verify'], None, good, 0, None, None, 'api'),
        ('k1', ['verify'], None, good, 0, None, 'https://d.example', ''),
        ('k1', ['verify'], None, good, 0, None, 'https://d.example', 'a' * 1025),
        ('k1', ['sign'], None, es_pub, 0, None, 'https://d.example', 'api'),
    ]
    sql = [PG_OUTCOME]
    for kid, purposes, alg, key, nb, na, iss, aud in cases:
        sql.append('SELECT pg_temp.outcome(%s);' % lit(
            'INSERT INTO jwt.keyring (kid, purposes, alg, key, not_before, not_after, issuer, audience) '
            'VALUES (%s, %s, %s, %s, to_timestamp(%s), %s, %s, %s) RETURNING kid'
            % (lit(kid), 'NULL' if purposes is None else 'ARRAY[%s]::text[]' % ', '.join(lit(p) for p in purposes),
               'NULL' if alg is None else lit(alg), 'NULL' if key is None else lit(key) + '::jsonb', nb,
               'NULL' if na is None else 'to_timestamp(%s)' % na,
               'NULL' if iss is None else lit(iss), 'NULL' if aud is None else lit(aud)), 'o'))
    pg_texts = [r[0] for r in psql('\n'.join(sql))]
    equal(len(pg_texts), len(cases))
    for (kid, purposes, alg, key, nb, na, iss, aud), pg_text in zip(cases, pg_texts):
        try:
            conn.execute('INSERT INTO jwt_keyring (kid, purposes, alg, key, not_before, not_after, issuer, audience) '
                         'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
                         (kid, None if purposes is None else json.dumps(purposes), alg, key, nb, na, iss, aud))
            sqlite_text = 'OK'
        except sqlite3.Error as e:
            sqlite_text = 'ERROR ' + str(e)
        check(pg_text.startswith('ERROR '), 'PostgreSQL accepted %r' % ((kid, purposes, alg, iss, aud),))
        equal(sqlite_text, pg_text, repr((kid[:8], purposes, alg, (key or '')[:20], (iss or '')[:20], (aud or '')[:20])))
    equal(one(conn, 'SELECT count(*) FROM jwt_keyring'), 0)


# The keyring of PostgreSQL's sql/identity_providers.sql (and test/sqlite/sql/issuers.sql):
#   A  iss https://a.example/  aud api-a  ES256 kid k1
#   B  iss https://b.example   aud api-b  ES256, its own key under the same kid k1
#   C  iss https://c.example   aud api-c  A's key material under kid c1
#   D  iss https://d.example   no audience  an HS256 secret
#   the app's own HS256 key "own", bound to no issuer
IDP_SECRETS = {'d': 'provider-d-shared-secret-0123456', 'own': 'the-servers-own-hs256-secret-0001'}
IDP_DIR = 'own-direct-encryption-key-32byte'
# (case, signer, kid or None, claims (exp added), outcome: OK or the primary message)
IDP_TOKENS = [
    ('A', 'a', 'k1', {'iss': 'https://a.example/', 'aud': 'api-a', 'sub': 'a-user'}, 'OK'),
    ('B, same kid as A', 'b', 'k1', {'iss': 'https://b.example', 'aud': 'api-b', 'sub': 'b-user'}, 'OK'),
    ('C, A\'s key material', 'a', 'c1', {'iss': 'https://c.example', 'aud': 'api-c', 'sub': 'c-user'}, 'OK'),
    ('A without kid', 'a', None, {'iss': 'https://a.example/', 'aud': 'api-a', 'sub': 'a-nokid'}, 'OK'),
    ('A, aud an array naming api-a', 'a', 'k1', {'iss': 'https://a.example/', 'aud': ['x', 'api-a'], 'sub': 'a-arr'}, 'OK'),
    ('D, no audience bound', 'd', 'd1', {'iss': 'https://d.example', 'aud': 'anything', 'sub': 'd-user'}, 'OK'),
    ('D, no aud at all', 'd', 'd1', {'iss': 'https://d.example', 'sub': 'd-noaud'}, 'OK'),
    ('own key, no iss', 'own', 'own', {'sub': 'own-user'}, 'OK'),
    ('own key, an issuer nobody binds', 'own', 'own', {'iss': 'https://own.example', 'sub': 'own-iss'}, 'OK'),
    ('A\'s key, iss B, kid k1', 'a', 'k1', {'iss': 'https://b.example', 'aud': 'api-b', 'sub': 'x'}, 'signature verification failed'),
    ('B\'s key, iss A, kid k1', 'b', 'k1', {'iss': 'https://a.example/', 'aud': 'api-a', 'sub': 'x'}, 'signature verification failed'),
    ('A\'s key, iss B, no kid', 'a', None, {'iss': 'https://b.example', 'aud': 'api-b', 'sub': 'x'}, 'signature verification failed'),
    ('A\'s key, iss C, kid k1', 'a', 'k1', {'iss': 'https://c.example', 'aud': 'api-c', 'sub': 'x'}, 'no matching key'),
    ('C\'s material, iss A, kid c1', 'a', 'c1', {'iss': 'https://a.example/', 'aud': 'api-a', 'sub': 'x'}, 'no matching key'),
    ('C\'s material and kid, A\'s audience', 'a', 'c1', {'iss': 'https://c.example', 'aud': 'api-a', 'sub': 'x'}, 'audience mismatch'),
    ('A, B\'s audience', 'a', 'k1', {'iss': 'https://a.example/', 'aud': 'api-b', 'sub': 'x'}, 'audience mismatch'),
    ('A, no aud', 'a', 'k1', {'iss': 'https://a.example/', 'sub': 'x'}, 'audience mismatch'),
    ('A, aud []', 'a', 'k1', {'iss': 'https://a.example/', 'aud': [], 'sub': 'x'}, 'audience mismatch'),
    ('A, aud API-A', 'a', 'k1', {'iss': 'https://a.example/', 'aud': 'API-A', 'sub': 'x'}, 'audience mismatch'),
    ('A without its trailing slash', 'a', 'k1', {'iss': 'https://a.example', 'aud': 'api-a', 'sub': 'x'}, 'no matching key'),
    ('A in capitals', 'a', 'k1', {'iss': 'HTTPS://A.EXAMPLE/', 'aud': 'api-a', 'sub': 'x'}, 'no matching key'),
    ('A with a space', 'a', 'k1', {'iss': 'https://a.example/ ', 'aud': 'api-a', 'sub': 'x'}, 'no matching key'),
    ('iss an array holding A', 'a', 'k1', {'iss': ['https://a.example/'], 'aud': 'api-a', 'sub': 'x'}, 'invalid claim'),
    ('A\'s key, no iss', 'a', 'k1', {'aud': 'api-a', 'sub': 'x'}, 'no matching key'),
    ('A\'s key, no iss, no kid', 'a', None, {'aud': 'api-a', 'sub': 'x'}, 'no matching key'),
    ('own key, iss A', 'own', 'own', {'iss': 'https://a.example/', 'aud': 'api-a', 'sub': 'x'}, 'no matching key'),
    ('own key, iss A, no kid', 'own', None, {'iss': 'https://a.example/', 'aud': 'api-a', 'sub': 'x'}, 'no matching key'),
    ('D\'s secret, iss A, kid d1', 'd', 'd1', {'iss': 'https://a.example/', 'aud': 'api-a', 'sub': 'x'}, 'no matching key'),
    ('D\'s secret, no iss, kid d1', 'd', 'd1', {'sub': 'x'}, 'no matching key'),
    ('D\'s secret, iss D, kid own', 'd', 'own', {'iss': 'https://d.example', 'sub': 'x'}, 'no matching key'),
    ('own key, iss B', 'own', 'own', {'iss': 'https://b.example', 'sub': 'x'}, 'no matching key'),
    ('kid with a quote and a newline', 'd', 'x"y\nz', {'iss': 'https://d.example', 'sub': 'x'}, 'no matching key'),
    ('kid of 200 bytes', 'd', 'k' * 200, {'iss': 'https://d.example', 'sub': 'x'}, 'no matching key'),
    ('issuer of 100 bytes', 'own', 'nope', {'iss': 'https://%s.example' % ('i' * 100), 'sub': 'x'}, 'no matching key'),
    ('B\'s key, no kid, iss D', 'b', None, {'iss': 'https://d.example', 'sub': 'x'}, 'no matching key'),
]


def idp_keyring():
    """A connection with the documented jwt_keyring, A's and B's keys (private JWKs without kid), and
    the keyring rows of identity_providers in SQLite and in PostgreSQL's jwt.keyring (emptied first)."""
    conn = connect()
    with open(os.path.join(TOP, 'src', 'sqlite', 'jwt_keyring.sql')) as f:
        conn.executescript(f.read())
    keys = {n: one(conn, "SELECT json_remove(jwt_generate_key('ES256'), '$.kid')") for n in 'ab'}
    keys.update(IDP_SECRETS)
    oct_jwk = lambda secret: json.dumps({'kty': 'oct', 'k': b64u(secret.encode())})
    # (kid, purposes, alg, key, issuer, audience)
    rows = [('k1', 'verify', 'ES256', one(conn, 'SELECT jwt_public_jwk(?)', keys['a']), 'https://a.example/', 'api-a'),
            ('k1', 'verify', 'ES256', one(conn, 'SELECT jwt_public_jwk(?)', keys['b']), 'https://b.example', 'api-b'),
            ('c1', 'verify', 'ES256', one(conn, 'SELECT jwt_public_jwk(?)', keys['a']), 'https://c.example', 'api-c'),
            ('d1', 'verify', 'HS256', oct_jwk(IDP_SECRETS['d']), 'https://d.example', None),
            ('own', 'verify', 'HS256', oct_jwk(IDP_SECRETS['own']), None, None),
            ('own-dir', 'decrypt', 'dir', oct_jwk(IDP_DIR), None, None)]
    sql = ['DELETE FROM jwt.keyring;']
    for kid, purpose, alg, key, iss, aud in rows:
        conn.execute('INSERT INTO jwt_keyring (kid, purposes, alg, key, issuer, audience) VALUES (?, ?, ?, ?, ?, ?)',
                     (kid, json.dumps([purpose]), alg, key, iss, aud))
        sql.append('INSERT INTO jwt.keyring (kid, purposes, alg, key, issuer, audience) VALUES (%s, %s, %s, %s::jsonb, %s, %s);'
                   % (lit(kid), lit('{%s}' % purpose), lit(alg), lit(key),
                      'NULL' if iss is None else lit(iss), 'NULL' if aud is None else lit(aud)))
    psql('\n'.join(sql))
    return conn, keys


def idp_token(conn, keys, signer, kid, claims):
    """A token of signer's key (ES256) or secret (HS256), with the kid given (None: none)."""
    return one(conn, 'SELECT jwt_sign(?, ?, ?, ?)', json.dumps(dict(claims, exp=4102444800)), keys[signer],
               'ES256' if signer in 'ab' else 'HS256', None if kid is None else json.dumps({'kid': kid}))


def authenticate_in_both(conn, cases, db=PG_DB):
    """Run (case, token, options) through jwt.authenticate in db (options as token_ext.audience
    and .issuer) and jwt_authenticate; the outcomes, ('OK', claims) or ('ERROR', text), of both."""
    sql = [PG_OUTCOME]
    for _, token, opts in cases:
        sql.append("SELECT set_config('token_ext.audience', %s, false), set_config('token_ext.issuer', %s, false) \\g /dev/null"
                   % (lit(opts.get('audience', '')), lit(opts.get('issuer', ''))))
        sql.append('SELECT pg_temp.outcome(%s);' % lit('SELECT jwt.authenticate(%s)::text' % lit(token), 'o'))
    pg_texts = [r[0] for r in psql('\n'.join(sql), db=db)]
    equal(len(pg_texts), len(cases))
    out = []
    for (case, token, opts), pg_text in zip(cases, pg_texts):
        pg_out = ('OK', json.loads(pg_text[3:])) if pg_text.startswith('OK ') else ('ERROR', pg_text[6:])
        try:
            sq_out = ('OK', json.loads(one(conn, 'SELECT jwt_authenticate(?, ?)', token,
                                           json.dumps(opts) if opts else None)))
        except sqlite3.Error as e:
            sq_out = ('ERROR', str(e))
        out.append((case, pg_out, sq_out))
    return out


@test
def issuer_bound_keys_give_the_same_verdicts_in_both():
    """identity_providers' keyring rows and tokens: jwt.authenticate and jwt_authenticate return the same claims or fail with the same texts"""
    pg()
    conn, keys = idp_keyring()
    cases = [(c, idp_token(conn, keys, signer, kid, claims), {}) for c, signer, kid, claims, _ in IDP_TOKENS]
    want = {c: outcome for c, _, _, _, outcome in IDP_TOKENS}
    # jwt_sign refuses "\u0000" in claims; jwt_sign_raw signs the bytes as they are
    cases.append(('D\'s secret, iss D followed by a NUL',
                  one(conn, 'SELECT jwt_sign_raw(?, ?, ?, ?)', '{"iss":"https://d.example\\u0000","sub":"x","exp":4102444800}',
                      IDP_SECRETS['d'], 'HS256', '{"kid":"d1"}'), {}))
    want[cases[-1][0]] = 'malformed JSON in token'
    # the settings (options) of the app's own tokens do not reach the providers' keys
    policy = {'audience': 'authenticated', 'issuer': 'https://own.example'}
    for c, signer, kid, claims, outcome in [
            ('A under the policy', 'a', 'k1', {'iss': 'https://a.example/', 'aud': 'api-a', 'sub': 'a-user'}, 'OK'),
            ('own key, the policy\'s issuer and audience', 'own', 'own',
             {'iss': 'https://own.example', 'aud': 'authenticated', 'sub': 'own'}, 'OK'),
            ('own key, another issuer', 'own', 'own', {'iss': 'https://other.example', 'aud': 'authenticated', 'sub': 'own'},
             'issuer mismatch')]:
        cases.append((c, idp_token(conn, keys, signer, kid, claims), policy))
        want[c] = outcome
    # nested: the app's decryption key (bound to no issuer) around a provider's token; the inner issuer picks the keys
    dir_key = json.dumps({'kty': 'oct', 'kid': 'own-dir', 'k': b64u(IDP_DIR.encode())})
    for c, inner, outcome in [('nested: A\'s token inside', cases[0][1], 'OK'),
                              ('nested: own key claiming iss A inside', cases[[x[0] for x in cases].index('own key, iss A')][1],
                               'no matching key')]:
        cases.append((c, one(conn, "SELECT jwt_encrypt(?, ?, 'dir', 'A256GCM', '{\"cty\":\"JWT\"}')", inner, dir_key), {}))
        want[c] = outcome
    for case, pg_out, sq_out in authenticate_in_both(conn, cases):
        equal(sq_out, pg_out, case)
        equal(sq_out[0] if sq_out[0] == 'OK' else sq_out[1].split(': ')[0], want[case], case)
    equal(one(conn, 'SELECT jwt_sub()'), None)


@test
def issuer_binding_follows_keyring_changes_alike_in_both():
    """a bound issuer whose keys are all retired, a changed audience, bound keys deleted, an empty keyring: the same verdicts in both"""
    pg()
    conn, keys = idp_keyring()
    tok = lambda c: [idp_token(conn, keys, s, k, cl) for x, s, k, cl, _ in IDP_TOKENS if x == c][0]
    phases = [
        # (statement in SQLite, statement in PostgreSQL, [(case, outcome)])
        ("UPDATE jwt_keyring SET not_before = unixepoch() - 172800, not_after = unixepoch() - 86400 "
         "WHERE issuer = 'https://b.example'",
         "UPDATE jwt.keyring SET not_before = now() - interval '2 days', not_after = now() - interval '1 day' "
         "WHERE issuer = 'https://b.example'",
         [('own key, iss B', 'no matching key'), ('B, same kid as A', 'no matching key')]),
        ("UPDATE jwt_keyring SET not_after = NULL WHERE issuer = 'https://b.example'",
         "UPDATE jwt.keyring SET not_after = NULL WHERE issuer = 'https://b.example'",
         [('B, same kid as A', 'OK'), ('A', 'OK')]),
        ("UPDATE jwt_keyring SET audience = 'api-a2' WHERE issuer = 'https://a.example/'",
         "UPDATE jwt.keyring SET audience = 'api-a2' WHERE issuer = 'https://a.example/'",
         [('A', 'audience mismatch'), ('A without kid', 'audience mismatch')]),
        ("UPDATE jwt_keyring SET issuer = NULL, audience = NULL WHERE kid = 'k1' AND issuer = 'https://a.example/'",
         "UPDATE jwt.keyring SET issuer = NULL, audience = NULL WHERE kid = 'k1' AND issuer = 'https://a.example/'",
         [('A', 'OK'), ('A\'s key, no iss', 'OK'), ('own key, iss A', 'OK')]),
        ("DELETE FROM jwt_keyring WHERE issuer IS NOT NULL OR kid = 'k1'",
         "DELETE FROM jwt.keyring WHERE issuer IS NOT NULL OR kid = 'k1'",
         [('A\'s key, no iss, no kid', 'no matching key'), ('D, no aud at all', 'no matching key')]),
        ("DELETE FROM jwt_keyring", "DELETE FROM jwt.keyring", [('own key, no iss', 'no matching key')]),
    ]
    for sqlite_stmt, pg_stmt, expect in phases:
        conn.execute(sqlite_stmt)
        psql(pg_stmt + ';')
        for case, pg_out, sq_out in authenticate_in_both(conn, [(c, tok(c), {}) for c, _ in expect]):
            equal(sq_out, pg_out, '%s after %s' % (case, sqlite_stmt))
            equal(sq_out[0] if sq_out[0] == 'OK' else sq_out[1].split(': ')[0], dict(expect)[case], case)


# src/sqlite/jwt_keyring.sql of token_ext_sqlite before issuer-bound keys
EARLIER_KEYRING_DDL = """
CREATE TABLE IF NOT EXISTS jwt_keyring (
  kid        TEXT NOT NULL PRIMARY KEY,
  purposes   TEXT NOT NULL,
  alg        TEXT,
  key        TEXT NOT NULL,
  not_before INTEGER NOT NULL DEFAULT (unixepoch()),
  not_after  INTEGER,
  created_at INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT;
CREATE TRIGGER IF NOT EXISTS jwt_keyring_insert BEFORE INSERT ON jwt_keyring BEGIN
  SELECT jwt_keyring_check(NEW.kid, NEW.purposes, NEW.alg, NEW.key, NEW.not_before, NEW.not_after);
END;
CREATE TRIGGER IF NOT EXISTS jwt_keyring_update BEFORE UPDATE ON jwt_keyring BEGIN
  SELECT jwt_keyring_check(NEW.kid, NEW.purposes, NEW.alg, NEW.key, NEW.not_before, NEW.not_after);
END;
"""


@test
def an_earlier_keyring_reads_issuer_and_audience_as_null_as_postgresql_does():
    """a jwt_keyring of the earlier DDL and a PostgreSQL keyring at 0.1.0 (no issuer, audience) verify alike; after the upgrade both bind"""
    pg()
    db = PG_DB + '_010'
    psql('DROP DATABASE IF EXISTS %s WITH (FORCE);\nCREATE DATABASE %s;' % (db, db), db='postgres')
    psql("CREATE EXTENSION token_ext VERSION '0.1.0';", db=db)
    conn = connect()
    conn.executescript(EARLIER_KEYRING_DDL)
    own = json.dumps({'kty': 'oct', 'k': b64u(IDP_SECRETS['own'].encode())})
    d = json.dumps({'kty': 'oct', 'k': b64u(IDP_SECRETS['d'].encode())})
    conn.execute("INSERT INTO jwt_keyring (kid, purposes, alg, key) VALUES ('own', '[\"verify\"]', 'HS256', ?)", (own,))
    psql("INSERT INTO jwt.keyring (kid, purposes, alg, key) VALUES ('own', '{verify}', 'HS256', %s::jsonb);" % lit(own), db=db)
    tokens = {c: idp_token(conn, IDP_SECRETS, s, k, cl) for c, s, k, cl, _ in IDP_TOKENS if s in IDP_SECRETS}

    def compare(expect):
        for case, pg_out, sq_out in authenticate_in_both(conn, [(c, tokens[c], {}) for c, _ in expect], db):
            equal(sq_out, pg_out, case)
            equal(sq_out[0] if sq_out[0] == 'OK' else sq_out[1].split(': ')[0], dict(expect)[case], case)

    compare([('own key, no iss', 'OK'), ('own key, iss A', 'OK'), ('D, no aud at all', 'no matching key')])
    e = fails(conn, "INSERT INTO jwt_keyring (kid, purposes, key) VALUES ('bad', '[\"verify\"]', '{\"kty\":\"oct\",\"k\":\"c2hvcnQ\"}')")
    equal(str(e), 'invalid key: An HS256 secret must be at least 32 bytes; this one has 5.')
    # the upgrade: PostgreSQL's ALTER EXTENSION, SQLite's two columns and the new triggers (README, "SQLite")
    psql('ALTER EXTENSION token_ext UPDATE;', db=db)
    conn.executescript('ALTER TABLE jwt_keyring ADD COLUMN issuer TEXT;\n'
                       'ALTER TABLE jwt_keyring ADD COLUMN audience TEXT;\n'
                       'DROP TRIGGER jwt_keyring_insert;\nDROP TRIGGER jwt_keyring_update;\n')
    with open(os.path.join(TOP, 'src', 'sqlite', 'jwt_keyring.sql')) as f:
        conn.executescript(f.read())
    conn.execute("INSERT INTO jwt_keyring (kid, purposes, alg, key, issuer) VALUES ('d1', '[\"verify\"]', 'HS256', ?, 'https://d.example')", (d,))
    psql("INSERT INTO jwt.keyring (kid, purposes, alg, key, issuer) VALUES ('d1', '{verify}', 'HS256', %s::jsonb, 'https://d.example');"
         % lit(d), db=db)
    compare([('own key, no iss', 'OK'), ('D, no aud at all', 'OK'), ('D\'s secret, iss D, kid own', 'no matching key'),
             ('D\'s secret, no iss, kid d1', 'no matching key')])
    e = fails(conn, "INSERT INTO jwt_keyring (kid, purposes, alg, key, issuer) VALUES ('d1', '[\"verify\"]', 'HS256', ?, '')", d)
    equal(str(e), 'invalid keyring row: The column "issuer" is empty; leave it NULL for a key bound to no issuer.')
    psql('DROP DATABASE %s WITH (FORCE);' % db, db='postgres')


# ---------------------------------------------------------------------------
# RFC 7520
# ---------------------------------------------------------------------------

def cookbook(path):
    if not os.path.isdir(COOKBOOK):
        raise Skip('the RFC 7520 vectors are not in %s' % COOKBOOK)
    with open(os.path.join(COOKBOOK, path)) as f:
        return json.load(f)


JWS_VECTORS = ['jws/4_1.rsa_v15_signature.json', 'jws/4_2.rsa-pss_signature.json',
               'jws/4_3.ecdsa_signature.json', 'jws/4_4.hmac-sha2_integrity_protection.json',
               'curve25519/jws.json']
JWE_VECTORS = ['jwe/5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json',
               'jwe/5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json',
               'jwe/5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json',
               'jwe/5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json',
               'jwe/5_6.direct_encryption_using_aes-gcm.json',
               'jwe/5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json',
               'jwe/5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json', 'curve25519/ecdh-es.json']
PRIVATE = ('d', 'p', 'q', 'dp', 'dq', 'qi')


def public_only(jwk):
    return {m: v for m, v in jwk.items() if m not in PRIVATE}


@test
def rfc7520_signatures_verify_to_the_exact_payload():
    """RFC 7520 4.1 (RS256), 4.2 (PS384), 4.3 (ES512), 4.4 (HS256), Ed25519: jwt_verify_raw gives input.payload"""
    conn = connect()
    for path in JWS_VECTORS:
        v = cookbook(path)
        key = json.dumps(public_only(v['input']['key']))
        got = one(conn, 'SELECT jwt_verify_raw(?, ?, ?)', v['output']['compact'], key,
                  json.dumps({'alg': v['input']['alg']}))
        equal(got, v['input']['payload'].encode(), path)


@test
def rfc7520_deterministic_signatures_reproduce_byte_for_byte():
    """RFC 7520 4.4 (HS256) and the Ed25519 vector: jwt_sign_raw makes output.compact exactly"""
    conn = connect()
    for path in ('jws/4_4.hmac-sha2_integrity_protection.json', 'curve25519/jws.json'):
        v = cookbook(path)
        key = dict(v['input']['key'])
        key.pop('use', None)
        got = one(conn, 'SELECT jwt_sign_raw(?, ?, ?)', v['input']['payload'], json.dumps(key), v['input']['alg'])
        equal(got, v['output']['compact'], path)


@test
def rfc7520_detached_payload_never_verifies_as_empty():
    """RFC 7520 4.5 (detached payload): its compact form, with an empty payload segment, fails to verify"""
    conn = connect()
    v = cookbook('jws/4_5.signature_with_detached_content.json')
    head, payload, sig = v['output']['compact'].split('.')
    equal(payload, '', 'the payload segment is empty')
    e = fails(conn, 'SELECT jwt_verify_raw(?, ?)', v['output']['compact'], json.dumps(v['input']['key']))
    equal(str(e), 'signature verification failed: The signature does not match the key.')


@test
def rfc7520_signatures_without_a_compact_form():
    """RFC 7520 4.6-4.8 (unprotected headers, several signatures) exist only as JSON serializations"""
    for path in ('jws/4_6.protecting_specific_header_fields.json', 'jws/4_7.protecting_content_only.json',
                 'jws/4_8.multiple_signatures.json'):
        check('compact' not in cookbook(path)['output'], path + ' has no compact form')
    raise Skip('the SQL API is compact-only')


@test
def rfc7520_encryptions_decrypt_to_the_exact_plaintext():
    """RFC 7520 5.2-5.8 and X25519 ECDH-ES: jwt_decrypt_raw gives input.plaintext"""
    conn = connect()
    for path in JWE_VECTORS:
        v = cookbook(path)
        i = v['input']
        if 'pwd' in i:
            got = one(conn, 'SELECT jwt_decrypt_raw(?, ?, ?)', v['output']['compact'], i['pwd'],
                      json.dumps({'alg': i['alg']}))
        else:
            got = one(conn, 'SELECT jwt_decrypt_raw(?, ?)', v['output']['compact'], json.dumps(i['key']))
        equal(got, i['plaintext'].encode(), path)


@test
def rfc7520_refused_encryptions():
    """RFC 7520 5.1 (RSA1_5) and 5.9 (zip "DEF") are refused with PostgreSQL's texts"""
    conn = connect()
    v = cookbook('jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json')
    e = fails(conn, 'SELECT jwt_decrypt_raw(?, ?)', v['output']['compact'], json.dumps(v['input']['key']))
    equal(str(e), 'unsupported algorithm: RSA1_5 is refused: its padding oracle (Bleichenbacher) cannot be closed.')
    v = cookbook('jwe/5_9.compressed_content.json')
    e = fails(conn, 'SELECT jwt_decrypt_raw(?, ?)', v['output']['compact'], json.dumps(v['input']['key']))
    equal(str(e), 'unsupported feature: Compressed JWE ("zip") is not supported.')


@test
def rfc7520_nested_token():
    """RFC 7520 6 (PS256 inside RSA-OAEP): jwt_decrypt_and_verify gives the claims before exp, refuses after"""
    conn = connect()
    v = cookbook('6.nesting_signatures_and_encryption.json')
    claims = json.loads(v['sign']['input']['payload'])
    args = (v['encrypt']['output']['compact'], json.dumps(v['encrypt']['input']['key']),
            json.dumps(public_only(v['sign']['input']['key'])))
    got = one(conn, 'SELECT jwt_decrypt_and_verify(?, ?, ?, ?)', *args,
              json.dumps({'sign_alg': 'PS256', 'issuer': 'hobbiton.example', 'at': claims['exp'] - 60}))
    equal(json.loads(got), claims)
    e = fails(conn, 'SELECT jwt_decrypt_and_verify(?, ?, ?, ?)', *args, json.dumps({'sign_alg': 'PS256', 'at': claims['exp'] + 60}))
    check(str(e).startswith('token has expired: '), str(e))


@test
def rfc7520_keys_load_and_give_rfc7638_thumbprints():
    """RFC 7520 3.1-3.6: public_jwk of a private JWK is the public one; thumbprints equal SHA-256 of the RFC 7638 form"""
    conn = connect()
    for priv, pub in (('jwk/3_2.ec_private_key.json', 'jwk/3_1.ec_public_key.json'),
                      ('jwk/3_4.rsa_private_key.json', 'jwk/3_3.rsa_public_key.json')):
        equal(json.loads(one(conn, 'SELECT jwt_public_jwk(?)', json.dumps(cookbook(priv)))), cookbook(pub), priv)
    members = {'EC': ('crv', 'kty', 'x', 'y'), 'RSA': ('e', 'kty', 'n'), 'oct': ('k', 'kty')}
    for path in ('jwk/3_1.ec_public_key.json', 'jwk/3_3.rsa_public_key.json',
                 'jwk/3_5.symmetric_key_mac_computation.json', 'jwk/3_6.symmetric_key_encryption.json'):
        jwk = cookbook(path)
        canonical = json.dumps({m: jwk[m] for m in members[jwk['kty']]}, separators=(',', ':'), sort_keys=True)
        equal(one(conn, 'SELECT jwt_jwk_thumbprint(?)', json.dumps(jwk)),
              b64u(hashlib.sha256(canonical.encode()).digest()), path)


# ---------------------------------------------------------------------------

def main():
    os.chdir(TOP)
    passed = failed = skipped = 0
    for n, fn in enumerate(TESTS, 1):
        title = '%s: %s' % (fn.__name__, (fn.__doc__ or '').strip())
        try:
            fn()
            passed += 1
            print('ok %d - %s' % (n, title))
        except Skip as s:
            skipped += 1
            print('ok %d - %s # SKIP %s' % (n, title, s))
        except Exception:
            failed += 1
            print('not ok %d - %s' % (n, title))
            for line in traceback.format_exc().rstrip().split('\n'):
                print('#   ' + line)
        sys.stdout.flush()
    print('1..%d' % len(TESTS))
    print('RESULT %d %d %d' % (passed, failed, skipped))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
