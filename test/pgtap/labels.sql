-- labels.sql: volatility, strictness, parallel safety, LEAKPROOF and
-- SECURITY DEFINER of every jwt.* function, from pg_proc.
--
-- verify/try_verify/verify_raw/decode read the transaction start time and
-- settings: STABLE, and so do decrypt/decrypt_raw/decrypt_and_verify (a
-- decryption is deterministic; its claim checks read now()).  sign/sign_raw,
-- encrypt and sign_and_encrypt (random CEK, IV, salt, ephemeral key; random
-- signatures), the cache functions and memory_stats: VOLATILE.
-- decode is STRICT (NULL token -> NULL); the others handle NULL options
-- themselves and are not.  Cache functions and memory_stats read
-- backend-local state, so they are PARALLEL RESTRICTED.  The key tools are pure functions of
-- their arguments (IMMUTABLE STRICT) except generate_key (VOLATILE).  None may be LEAKPROOF (errors depend on
-- input) and none runs as SECURITY DEFINER.  A function missing from this
-- table, or present in the table but not installed, fails a test.
BEGIN;
SELECT plan(280);

CREATE TEMP TABLE expected_labels (sig text, vol "char", strict bool, par "char");
INSERT INTO expected_labels VALUES
  ('jwt.sign(jsonb,bytea,text,jsonb)', 'v', false, 's'),
  ('jwt.sign(jsonb,text,text,jsonb,text)', 'v', false, 's'),
  ('jwt.sign(jsonb,jsonb,text,jsonb)', 'v', false, 's'),
  ('jwt.sign_raw(bytea,bytea,text,jsonb)', 'v', false, 's'),
  ('jwt.sign_raw(bytea,text,text,jsonb)', 'v', false, 's'),
  ('jwt.sign_raw(bytea,jsonb,text,jsonb)', 'v', false, 's'),
  ('jwt.verify(text,bytea,text,text,text,interval,text[],timestamp with time zone,text)', 's', false, 's'),
  ('jwt.verify(text,text,text,text,text,interval,text[],timestamp with time zone,text)', 's', false, 's'),
  ('jwt.verify(text,jsonb,text,text,text,interval,text[],timestamp with time zone,text)', 's', false, 's'),
  ('jwt.try_verify(text,bytea,text,text,text,interval,text[],timestamp with time zone,text)', 's', false, 's'),
  ('jwt.try_verify(text,text,text,text,text,interval,text[],timestamp with time zone,text)', 's', false, 's'),
  ('jwt.try_verify(text,jsonb,text,text,text,interval,text[],timestamp with time zone,text)', 's', false, 's'),
  ('jwt.verify_raw(text,bytea,text,text)', 's', false, 's'),
  ('jwt.verify_raw(text,text,text,text)', 's', false, 's'),
  ('jwt.verify_raw(text,jsonb,text,text)', 's', false, 's'),
  ('jwt.decode(text)', 's', true, 's'),
  ('jwt.clear_key_cache()', 'v', false, 'r'),
  ('jwt.key_cache_stats()', 'v', false, 'r'),
  ('jwt.memory_stats()', 'v', false, 'r'),
  ('jwt.generate_key(text,integer)', 'v', true, 's'),
  ('jwt.public_jwk(jsonb)', 'i', true, 's'),
  ('jwt.jwk_thumbprint(jsonb)', 'i', true, 's'),
  ('jwt.jwk_from_pem(text)', 'i', true, 's'),
  ('jwt.pem_from_jwk(jsonb)', 'i', true, 's'),
  ('jwt.jwks(jsonb[])', 'i', true, 's'),
  -- an aggregate: array_append + jwks are both safe, so the aggregate should
  -- be too (CREATE AGGREGATE defaults to PARALLEL UNSAFE)
  ('jwt.jwks_agg(jsonb)', 'i', false, 's'),
  -- session claims: authenticate and clear set a setting (PARALLEL UNSAFE);
  -- the readers take their value from settings, which workers receive (SAFE);
  -- keyring_jwks reads this backend's keyring cache (RESTRICTED)
  ('jwt.authenticate(text,text)', 'v', false, 'u'),
  ('jwt.authenticate_request()', 'v', false, 'u'),
  ('jwt.clear()', 'v', false, 'u'),
  ('jwt.claims()', 's', false, 's'),
  ('jwt.claim(text)', 's', true, 's'),
  ('jwt.claim_json(text)', 's', true, 's'),
  ('jwt.sub()', 's', false, 's'),
  ('jwt.uid()', 's', false, 's'),
  ('jwt.role()', 's', false, 's'),
  ('jwt.authenticated()', 's', false, 's'),
  ('jwt.keyring_jwks()', 's', false, 'r'),
  ('jwt.keyring_trigger()', 'v', false, 'u'),
  -- roads in: jwk_from_secret is a pure function of its arguments (not STRICT:
  -- NULL alg and kid mean "none"); the Supabase status reads the catalog
  -- (STABLE); takeover and restore replace functions (VOLATILE, PARALLEL UNSAFE)
  ('jwt.jwk_from_secret(bytea,text,text)', 'i', false, 's'),
  ('jwt.jwk_from_secret(text,text,text)', 'i', false, 's'),
  ('jwt.supabase_status()', 's', false, 's'),
  ('jwt.supabase_takeover(text)', 'v', false, 'u'),
  ('jwt.supabase_restore()', 'v', false, 'u'),
  -- scale-out on Citus: the cluster secret's functions write its table or
  -- run commands on the workers (VOLATILE, PARALLEL UNSAFE); the
  -- fingerprint only reads this node's secret (STABLE, SAFE)
  ('jwt.citus_setup(boolean)', 'v', false, 'u'),
  ('jwt.citus_status()', 'v', false, 'u'),
  ('jwt.cluster_secret_create(boolean)', 'v', false, 'u'),
  ('jwt.cluster_secret_offer()', 'v', false, 'u'),
  ('jwt.cluster_secret_wrap(jsonb)', 'v', true, 'u'),
  ('jwt.cluster_secret_accept(text[])', 'v', true, 'u'),
  ('jwt.cluster_secret_fingerprint()', 's', false, 's'),
  ('jwt.cluster_secret_trigger()', 'v', false, 'u'),
  -- identity providers: keyring_jwks(issuer) reads the keyring cache like
  -- keyring_jwks(); the import functions write the keyring (VOLATILE,
  -- PARALLEL UNSAFE) and share a pure function of their arguments; the
  -- revocation store's trigger and pruning write; the verified-token cache
  -- functions touch backend-local state (RESTRICTED)
  ('jwt.keyring_jwks(text)', 's', true, 'r'),
  ('jwt.keyring_import_keys(jsonb,text)', 'i', false, 's'),
  ('jwt.keyring_import(jsonb,text,text,interval)', 'v', false, 'u'),
  ('jwt.keyring_import_postgrest(text,boolean,text[],text)', 'v', false, 'u'),
  ('jwt.revocation_trigger()', 'v', false, 'u'),
  ('jwt.revocation_prune()', 'v', false, 'u'),
  ('jwt.clear_token_cache()', 'v', false, 'r'),
  ('jwt.token_cache_stats()', 'v', false, 'r'),
  -- encryption (JWE): every key overload, and every key pair of the nested forms
  ('jwt.encrypt(jsonb,bytea,text,text,jsonb)', 'v', false, 's'),
  ('jwt.encrypt(jsonb,text,text,text,jsonb)', 'v', false, 's'),
  ('jwt.encrypt(jsonb,jsonb,text,text,jsonb)', 'v', false, 's'),
  ('jwt.encrypt(text,bytea,text,text,jsonb)', 'v', false, 's'),
  ('jwt.encrypt(text,text,text,text,jsonb)', 'v', false, 's'),
  ('jwt.encrypt(text,jsonb,text,text,jsonb)', 'v', false, 's'),
  ('jwt.encrypt(bytea,bytea,text,text,jsonb)', 'v', false, 's'),
  ('jwt.encrypt(bytea,text,text,text,jsonb)', 'v', false, 's'),
  ('jwt.encrypt(bytea,jsonb,text,text,jsonb)', 'v', false, 's'),
  ('jwt.decrypt(text,bytea,text,text,text,text,interval,text[],timestamp with time zone,text)', 's', false, 's'),
  ('jwt.decrypt(text,text,text,text,text,text,interval,text[],timestamp with time zone,text)', 's', false, 's'),
  ('jwt.decrypt(text,jsonb,text,text,text,text,interval,text[],timestamp with time zone,text)', 's', false, 's'),
  ('jwt.decrypt_raw(text,bytea,text,text)', 's', false, 's'),
  ('jwt.decrypt_raw(text,text,text,text)', 's', false, 's'),
  ('jwt.decrypt_raw(text,jsonb,text,text)', 's', false, 's'),
  ('jwt.sign_and_encrypt(jsonb,bytea,bytea,text,text,text)', 'v', false, 's'),
  ('jwt.sign_and_encrypt(jsonb,bytea,text,text,text,text)', 'v', false, 's'),
  ('jwt.sign_and_encrypt(jsonb,bytea,jsonb,text,text,text)', 'v', false, 's'),
  ('jwt.sign_and_encrypt(jsonb,text,bytea,text,text,text)', 'v', false, 's'),
  ('jwt.sign_and_encrypt(jsonb,text,text,text,text,text)', 'v', false, 's'),
  ('jwt.sign_and_encrypt(jsonb,text,jsonb,text,text,text)', 'v', false, 's'),
  ('jwt.sign_and_encrypt(jsonb,jsonb,bytea,text,text,text)', 'v', false, 's'),
  ('jwt.sign_and_encrypt(jsonb,jsonb,text,text,text,text)', 'v', false, 's'),
  ('jwt.sign_and_encrypt(jsonb,jsonb,jsonb,text,text,text)', 'v', false, 's'),
  ('jwt.decrypt_and_verify(text,bytea,bytea,text,text,text,text,text,interval,text[],timestamp with time zone)', 's', false, 's'),
  ('jwt.decrypt_and_verify(text,bytea,text,text,text,text,text,text,interval,text[],timestamp with time zone)', 's', false, 's'),
  ('jwt.decrypt_and_verify(text,bytea,jsonb,text,text,text,text,text,interval,text[],timestamp with time zone)', 's', false, 's'),
  ('jwt.decrypt_and_verify(text,text,bytea,text,text,text,text,text,interval,text[],timestamp with time zone)', 's', false, 's'),
  ('jwt.decrypt_and_verify(text,text,text,text,text,text,text,text,interval,text[],timestamp with time zone)', 's', false, 's'),
  ('jwt.decrypt_and_verify(text,text,jsonb,text,text,text,text,text,interval,text[],timestamp with time zone)', 's', false, 's'),
  ('jwt.decrypt_and_verify(text,jsonb,bytea,text,text,text,text,text,interval,text[],timestamp with time zone)', 's', false, 's'),
  ('jwt.decrypt_and_verify(text,jsonb,text,text,text,text,text,text,interval,text[],timestamp with time zone)', 's', false, 's'),
  ('jwt.decrypt_and_verify(text,jsonb,jsonb,text,text,text,text,text,interval,text[],timestamp with time zone)', 's', false, 's');

SELECT is(p.provolatile, e.vol, e.sig || ' volatility is ' || e.vol::text)
  FROM expected_labels e LEFT JOIN pg_proc p ON p.oid = to_regprocedure(e.sig) ORDER BY e.sig;
SELECT is(p.proisstrict, e.strict, e.sig || CASE WHEN e.strict THEN ' is' ELSE ' is not' END || ' STRICT')
  FROM expected_labels e LEFT JOIN pg_proc p ON p.oid = to_regprocedure(e.sig) ORDER BY e.sig;
SELECT is(p.proparallel, e.par, e.sig || ' parallel label is ' || e.par::text)
  FROM expected_labels e LEFT JOIN pg_proc p ON p.oid = to_regprocedure(e.sig) ORDER BY e.sig;

SELECT is_empty(
  $$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'jwt' AND (p.proleakproof OR p.prosecdef)$$,
  'no jwt function is LEAKPROOF or SECURITY DEFINER');

SELECT set_eq(
  $$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'jwt'$$,
  $$SELECT sig FROM expected_labels$$,
  'the label table covers exactly the installed jwt functions');

-- the labels as the planner sees them: a STABLE function is not folded
-- into a prepared generic plan, so the check time is re-read per call
SELECT is(
  (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'jwt' AND p.proname IN ('verify', 'try_verify', 'verify_raw', 'decode')
      AND p.provolatile = 's'),
  10, 'all ten verification and inspection functions are STABLE');
SELECT is(
  (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'jwt' AND p.proname IN ('decrypt', 'decrypt_raw', 'decrypt_and_verify')
      AND p.provolatile = 's'),
  15, 'all fifteen decryption functions are STABLE');

SELECT * FROM finish();
ROLLBACK;
