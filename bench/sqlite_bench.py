#!/usr/bin/python3
"""The measuring half of bench/sqlite.sh (which builds, starts PostgreSQL and
sets PGHOST/PGPORT/PGUSER): HS256 and ES256 verification of the same
distinct tokens by token_ext_sqlite, by PyJWT and by the PostgreSQL
extension, in one run, best of several interleaved rounds each.

- SQLite (Debian's /usr/bin/python3 and its sqlite3 module, in-memory
  database, one connection):
      SELECT count(*) FROM t WHERE jwt_try_verify(tok, ?, ?) IS NOT NULL
  with the key and '{"audience":"bench-api"}' bound; timed around the
  statement, so the rate includes scanning the table.
- PyJWT (python3-jwt) in a Python loop over the same tokens, already in a
  list: jwt.decode(tok, key, algorithms=[alg], audience="bench-api"), with
  the key loaded once (bytes, or a cryptography public key object), as an
  app would hold it.
- PostgreSQL (the server of bench/sqlite.sh, one backend, no parallel
  workers, JIT off): SELECT count(jwt.verify(tok, key, audience => ...))
  over the same tokens, timed inside the server with clock_timestamp().

Every measurement must count every token, or the run stops.  Each check
verifies the signature and exp, iat and aud.  The HS256 scans of SQLite and
PostgreSQL, a fraction of a second each, run three times a round.
"""
import json
import os
import sqlite3
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
HS_ROWS = int(os.environ.get('BENCH_SQLITE_ROWS', '100000'))
ES_ROWS = int(os.environ.get('BENCH_SQLITE_ES_ROWS', str(HS_ROWS)))
REPS = int(os.environ.get('BENCH_SQLITE_REPS', '3'))
PYJWT_REPS = int(os.environ.get('BENCH_SQLITE_PYJWT_REPS', '2'))
SECRET = 'bench-secret-0123456789abcdefghi'
DB = 'token_ext_sqlite_bench'


def say(msg):
    print(msg, flush=True)


def psql(sql, db=DB):
    run = subprocess.run(['psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db], input=sql,
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit('psql failed: ' + run.stderr.strip())
    return run.stdout.strip()


def make_tokens(conn):
    """Tables hs(tok) and es(tok) of distinct 6-claim tokens; returns the ES256 key."""
    now = int(time.time())
    conn.execute('CREATE TABLE n AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) '
                 'SELECT i FROM n', (max(HS_ROWS, ES_ROWS),))
    claims = ("json_object('sub', lower(hex(randomblob(16))), 'name', 'User ' || i, 'role', "
              "'authenticated', 'iat', %d - 60 - i %% 1000, 'exp', %d + 86400, 'aud', 'bench-api')" % (now, now))
    conn.execute('CREATE TABLE hs AS SELECT jwt_sign(%s, ?) AS tok FROM n WHERE i <= ?' % claims, (SECRET, HS_ROWS))
    es = conn.execute("SELECT jwt_generate_key('ES256')").fetchone()[0]
    conn.execute('CREATE TABLE es AS SELECT jwt_sign(%s, ?) AS tok FROM n WHERE i <= ?' % claims, (es, ES_ROWS))
    return es


def time_sqlite(conn, table, key, rows):
    t0 = time.perf_counter()
    n = conn.execute('SELECT count(*) FROM %s WHERE jwt_try_verify(tok, ?, ?) IS NOT NULL' % table,
                     (key, '{"audience":"bench-api"}')).fetchone()[0]
    t = time.perf_counter() - t0
    if n != rows:
        sys.exit('SQLite verified %d of %d %s tokens' % (n, rows, table))
    return t


def time_pyjwt(tokens, key, alg):
    import jwt
    t0 = time.perf_counter()
    n = 0
    for tok in tokens:
        jwt.decode(tok, key, algorithms=[alg], audience='bench-api')
        n += 1
    return time.perf_counter() - t0


PG_SETUP = r"""
SET max_parallel_workers_per_gather = 0;
SET jit = off;
CREATE FUNCTION pg_temp.best_ms(q text, reps int, want bigint) RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz; n bigint; best float8 := 'Infinity';
BEGIN
  FOR i IN 1..reps LOOP
    t0 := clock_timestamp();
    EXECUTE q INTO n;
    best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
    IF n <> want THEN RAISE EXCEPTION 'counted % of % rows: %', n, want, q; END IF;
  END LOOP;
  RETURN best;
END $f$;
"""


def pg_load(conn, es_key):
    """The same tokens in PostgreSQL tables bench_hs and bench_es."""
    psql('DROP DATABASE IF EXISTS %s WITH (FORCE);\nCREATE DATABASE %s;' % (DB, DB), db='postgres')
    psql('CREATE EXTENSION token_ext; CREATE TABLE bench_hs (tok text); CREATE TABLE bench_es (tok text);')
    for table, pg_table in (('hs', 'bench_hs'), ('es', 'bench_es')):
        data = '\n'.join(r[0] for r in conn.execute('SELECT tok FROM %s' % table)) + '\n'
        run = subprocess.run(['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', DB, '-c',
                              'COPY %s FROM STDIN' % pg_table], input=data, text=True, capture_output=True)
        if run.returncode != 0:
            sys.exit('COPY failed: ' + run.stderr)
    psql('VACUUM ANALYZE bench_hs; VACUUM ANALYZE bench_es;')
    return json.dumps(json.loads(conn.execute('SELECT jwt_public_jwk(?)', (es_key,)).fetchone()[0]))


def time_pg(table, key_sql, rows):
    q = "SELECT count(jwt.verify(tok, %s, audience => 'bench-api')) FROM %s" % (key_sql, table)
    return float(psql(PG_SETUP + "SELECT pg_temp.best_ms($q$%s$q$, 1, %d);" % (q, rows))) / 1000


def main():
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    os.chdir(TOP)
    conn = sqlite3.connect(':memory:')
    conn.enable_load_extension(True)
    conn.load_extension('./token_ext_sqlite')
    say('preparing %d HS256 and %d ES256 tokens (6 claims each) in SQLite' % (HS_ROWS, ES_ROWS))
    es_key = make_tokens(conn)
    es_pub = conn.execute('SELECT jwt_public_jwk(?)', (es_key,)).fetchone()[0]
    es_pem = conn.execute('SELECT jwt_pem_from_jwk(?)', (es_pub,)).fetchone()[0]
    hs_list = [r[0] for r in conn.execute('SELECT tok FROM hs')]
    es_list = [r[0] for r in conn.execute('SELECT tok FROM es')]
    lengths = [len(t) for t in hs_list[:1000]]
    say('loading the same tokens into PostgreSQL')
    pg_es_key = pg_load(conn, es_key)
    # warm: tables and key caches
    time_sqlite(conn, 'hs', SECRET, HS_ROWS)
    time_sqlite(conn, 'es', es_pub, ES_ROWS)

    best = {}
    say('measuring: %d rounds (PyJWT %d), each engine in turn' % (REPS, PYJWT_REPS))
    for rep in range(REPS):
        for name, fn in (
                ('sqlite HS256', lambda: time_sqlite(conn, 'hs', SECRET, HS_ROWS)),
                ('postgres HS256', lambda: time_pg('bench_hs', "$k$%s$k$::text" % SECRET, HS_ROWS)),
                ('pyjwt HS256', lambda: time_pyjwt(hs_list, SECRET.encode(), 'HS256')),
                ('sqlite ES256', lambda: time_sqlite(conn, 'es', es_pub, ES_ROWS)),
                ('postgres ES256', lambda: time_pg('bench_es', "$k$%s$k$::jsonb" % pg_es_key, ES_ROWS)),
                ('pyjwt ES256', lambda: time_pyjwt(es_list, load_pem_public_key(es_pem.encode()), 'ES256'))):
            if name.startswith('pyjwt') and rep >= PYJWT_REPS:
                continue
            # the HS256 scans take a fraction of a second: three tries each round
            for _ in range(3 if name in ('sqlite HS256', 'postgres HS256') else 1):
                t = fn()
                best[name] = min(best.get(name, t), t)
            say('  round %d  %-15s %8.3f s (best so far)' % (rep + 1, name, best[name]))

    rate = lambda name, rows: rows / best[name]
    load = open('/proc/loadavg').read().split()[:2]
    say('')
    say('SQLite %s, PyJWT %s, PostgreSQL %s; tokens %d-%d chars; %d cores, load average %s %s' % (
        sqlite3.sqlite_version, __import__('jwt').__version__, psql('SHOW server_version'),
        min(lengths), max(lengths), os.cpu_count(), *load))
    say('')
    say('| verify (one core) | token_ext_sqlite | PyJWT | PostgreSQL token_ext | SQLite / PyJWT | SQLite / PostgreSQL |')
    say('|---|---|---|---|---|---|')
    for alg, rows in (('HS256', HS_ROWS), ('ES256', ES_ROWS)):
        s, p, g = rate('sqlite ' + alg, rows), rate('pyjwt ' + alg, rows), rate('postgres ' + alg, rows)
        target = ' (target >= 10x)' if alg == 'HS256' else ''
        say('| %s, %d tokens | %s/s | %s/s | %s/s | %.1fx%s | %.2fx (target >= 1x) |' % (
            alg, rows, format(round(s), ','), format(round(p), ','), format(round(g), ','), s / p, target, s / g))
    say('')
    say('best of the rounds; rates include scanning the table (SQLite, PostgreSQL) or the Python list (PyJWT);')
    say('each verifies the signature and exp, iat and aud.  The machine is shared: rates vary between runs.')
    psql('DROP DATABASE IF EXISTS %s WITH (FORCE);' % DB, db='postgres')


if __name__ == '__main__':
    main()
