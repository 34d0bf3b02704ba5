#!/usr/bin/python3
"""Refresh an identity provider's keys in token_ext's keyring.

Follows the issuer's /.well-known/openid-configuration to its jwks_uri (or
takes --jwks-uri, for a provider without discovery or for Google's and
Firebase's certificate map), fetches the key set and hands it to
jwt.keyring_import(keys, issuer, audience, grace) through psql.  The
database makes no HTTP call; this script does, from cron.

HTTP caching is honoured, with a small state file (JSON, one entry per
issuer): while the last response is fresh (Cache-Control max-age, or
Expires) nothing is fetched; after that the request is conditional
(If-None-Match with the ETag, If-Modified-Since with Last-Modified), and a
304 leaves the keyring as it is.  --force skips the freshness check (the
request stays conditional).

Safety: https only (--allow-http permits http, for tests on 127.0.0.1); a
redirect may not leave https; the discovery document's "issuer" must equal
--issuer exactly (OpenID Connect Discovery 1.0, section 4.3); responses are
limited in size and time.  The key set reaches psql through the environment
(psql's \\getenv), never through the command line or SQL text.

Exit status: 0 when the keyring is up to date (imported, not modified, or
still fresh), 1 on any error (the keyring is then unchanged: the import is
one transaction), 2 on bad arguments.

Standard library only; runs with Debian's /usr/bin/python3.
"""

import argparse
import datetime
import email.utils
import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

MAX_BODY = 1024 * 1024          # bytes of a discovery document or key set
DEFAULT_MIN_INTERVAL = 60       # seconds: never fresher than this (a max-age of 0 still waits)
DEFAULT_MAX_INTERVAL = 86400    # seconds: revalidate at least daily, whatever the headers say


class RefreshError(Exception):
    """A failure with a message for the operator."""


class NoDowngrade(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but never from https to another scheme."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if req.full_url.startswith('https:') and not newurl.startswith('https:'):
            raise RefreshError(f'refusing a redirect from {req.full_url} to {newurl}: it leaves https')
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def check_url(url, allow_http):
    """Refuse a URL that is not https (or http when allowed)."""
    if url.startswith('https://') or (allow_http and url.startswith('http://')):
        return
    raise RefreshError(f'refusing {url}: only https URLs are fetched (--allow-http permits http)')


def freshness(headers, now):
    """Seconds the response stays fresh per its headers (None: no statement), and whether it may be stored."""
    cache_control = [d.strip().lower() for d in headers.get('Cache-Control', '').split(',') if d.strip()]
    if 'no-store' in cache_control:
        return 0, False
    if 'no-cache' in cache_control:
        return 0, True
    for directive in cache_control:
        if directive.startswith('max-age='):
            try:
                age = int(headers.get('Age', '0') or 0)
            except ValueError:
                age = 0
            try:
                return max(0, int(directive[8:].strip('"')) - age), True
            except ValueError:
                return 0, True
    expires = headers.get('Expires')
    if expires:
        try:
            when = email.utils.parsedate_to_datetime(expires)
            return max(0, int(when.timestamp() - now)), True
        except (TypeError, ValueError):
            return 0, True
    return None, True


def fetch(url, cached, args, opener):
    """GET url, conditionally when cached (a state entry) has validators.

    Returns (status, body or None, new state entry).  The entry holds the
    validators (etag, last_modified) and fresh_until (Unix seconds).
    """
    check_url(url, args.allow_http)
    headers = {'Accept': 'application/json', 'User-Agent': 'token_ext-jwks-refresh/0.2'}
    if cached and cached.get('url') == url:
        if cached.get('etag'):
            headers['If-None-Match'] = cached['etag']
        if cached.get('last_modified'):
            headers['If-Modified-Since'] = cached['last_modified']
    request = urllib.request.Request(url, headers=headers)
    now = time.time()
    try:
        with opener.open(request, timeout=args.timeout) as response:
            status = response.status
            body = response.read(MAX_BODY + 1)
            if len(body) > MAX_BODY:
                raise RefreshError(f'{url} answered more than {MAX_BODY} bytes')
            got = response.headers
    except urllib.error.HTTPError as e:
        if e.code != 304:
            raise RefreshError(f'{url} answered HTTP {e.code} {e.reason}') from None
        status, body, got = 304, None, e.headers
    except urllib.error.URLError as e:
        raise RefreshError(f'could not fetch {url}: {e.reason}') from None

    seconds, storable = freshness(got, now)
    if seconds is None:
        seconds = args.min_interval
    seconds = min(max(seconds, args.min_interval), args.max_interval)
    entry = {'url': url, 'fresh_until': now + seconds}
    if status == 304 and cached:
        entry['etag'] = got.get('ETag') or cached.get('etag')
        entry['last_modified'] = got.get('Last-Modified') or cached.get('last_modified')
    elif storable:
        entry['etag'] = got.get('ETag')
        entry['last_modified'] = got.get('Last-Modified')
    return status, body, entry


def parse_json(url, body):
    """The JSON object in body; raises when it is not one."""
    try:
        doc = json.loads(body.decode('utf-8'))
    except (UnicodeDecodeError, ValueError) as e:
        raise RefreshError(f'{url} did not answer JSON: {e}') from None
    if not isinstance(doc, dict):
        raise RefreshError(f'{url} did not answer a JSON object')
    return doc


def import_keys(args, jwks_text):
    """Run jwt.keyring_import through psql; returns its report lines."""
    script = (
        '\\set ON_ERROR_STOP on\n'
        '\\getenv token_ext_jwks TOKEN_EXT_JWKS\n'
        '\\getenv token_ext_issuer TOKEN_EXT_ISSUER\n'
        '\\getenv token_ext_audience TOKEN_EXT_AUDIENCE\n'
        '\\getenv token_ext_grace TOKEN_EXT_GRACE\n'
        "SELECT kid, action, coalesce(not_after::text, '') FROM jwt.keyring_import("
        ":'token_ext_jwks'::jsonb, :'token_ext_issuer', nullif(:'token_ext_audience', ''), "
        ":'token_ext_grace'::interval) ORDER BY kid;\n"
    )
    env = dict(os.environ)
    env.update({'TOKEN_EXT_JWKS': jwks_text, 'TOKEN_EXT_ISSUER': args.issuer,
                'TOKEN_EXT_AUDIENCE': args.audience or '', 'TOKEN_EXT_GRACE': args.grace})
    command = [args.psql, '-X', '-q', '-A', '-t', '-F', ' ', '-v', 'ON_ERROR_STOP=1']
    if args.dbname:
        command += ['-d', args.dbname]
    try:
        done = subprocess.run(command, input=script, capture_output=True, text=True, env=env,
                              timeout=args.timeout * 6)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RefreshError(f'could not run psql: {e}') from None
    if done.returncode != 0:
        raise RefreshError('jwt.keyring_import failed: ' + (done.stderr.strip() or f'psql exit {done.returncode}'))
    return [line for line in done.stdout.splitlines() if line.strip()]


def load_state(path):
    """The state file's contents ({} when absent)."""
    try:
        with open(path, encoding='utf-8') as f:
            state = json.load(f)
        return state if isinstance(state, dict) else {}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        raise RefreshError(f'could not read the state file {path}: {e}') from None


def save_state(path, state):
    """Write the state file atomically, readable by its owner only."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix='.jwks-state-', dir=directory)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            json.dump(state, f, indent=1, sort_keys=True)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def when(seconds):
    """Unix seconds as an ISO 8601 UTC time."""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).isoformat(timespec='seconds')


def refresh(args):
    """One refresh of one issuer; returns the lines to print."""
    opener = urllib.request.build_opener(NoDowngrade())
    state = load_state(args.state) if args.state else {}
    entry = state.get(args.issuer, {})
    now = time.time()
    jwks_state = entry.get('jwks') or {}
    if not args.force and jwks_state.get('fresh_until', 0) > now and (
            not args.jwks_uri or jwks_state.get('url') == args.jwks_uri):
        return [f'{args.issuer}: fresh until {when(jwks_state["fresh_until"])}, nothing fetched']

    lines = []
    jwks_uri = args.jwks_uri
    if not jwks_uri:
        discovery_url = args.issuer.rstrip('/') + '/.well-known/openid-configuration'
        disc_state = entry.get('discovery') or {}
        if not args.force and disc_state.get('fresh_until', 0) > now and disc_state.get('jwks_uri'):
            jwks_uri = disc_state['jwks_uri']
        else:
            status, body, new_disc = fetch(discovery_url, disc_state, args, opener)
            if status == 304:
                jwks_uri = disc_state.get('jwks_uri')
            else:
                doc = parse_json(discovery_url, body)
                if doc.get('issuer') != args.issuer:
                    raise RefreshError(f'{discovery_url} names the issuer {doc.get("issuer")!r}, '
                                       f'not {args.issuer!r} (they must be equal)')
                jwks_uri = doc.get('jwks_uri')
            if not isinstance(jwks_uri, str) or not jwks_uri:
                raise RefreshError(f'{discovery_url} names no jwks_uri')
            new_disc['jwks_uri'] = jwks_uri
            entry['discovery'] = new_disc

    status, body, new_jwks = fetch(jwks_uri, jwks_state, args, opener)
    if status == 304:
        lines.append(f'{args.issuer}: {jwks_uri} not modified; fresh until {when(new_jwks["fresh_until"])}')
    else:
        doc = parse_json(jwks_uri, body)
        report = import_keys(args, json.dumps(doc))
        lines += [f'{args.issuer}: {line}' for line in report]
        lines.append(f'{args.issuer}: imported {jwks_uri}; fresh until {when(new_jwks["fresh_until"])}')
    entry['jwks'] = new_jwks
    state[args.issuer] = entry
    if args.state:
        save_state(args.state, state)
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Refresh an identity provider's keys in token_ext's keyring (jwt.keyring_import).")
    parser.add_argument('--issuer', required=True,
                        help='the exact "iss" of the provider\'s tokens, e.g. https://example.us.auth0.com/')
    parser.add_argument('--audience', default=None,
                        help='the audience its tokens must name in "aud" (omit to leave "aud" unchecked)')
    parser.add_argument('--jwks-uri', default=None,
                        help='the key set URL; default: the jwks_uri of the issuer\'s discovery document')
    parser.add_argument('--grace', default='1 day',
                        help='how long a key that left the set still verifies (an interval; default 1 day)')
    parser.add_argument('--dbname', default=None,
                        help='psql connection string (default: psql\'s, from PG* variables)')
    parser.add_argument('--psql', default='psql', help='the psql program (default: psql on PATH)')
    parser.add_argument('--state', default=None,
                        help='state file for HTTP caching (default: none; every run fetches)')
    parser.add_argument('--force', action='store_true', help='fetch even while the last response is fresh')
    parser.add_argument('--allow-http', action='store_true', help='also fetch http URLs (for tests)')
    parser.add_argument('--timeout', type=float, default=10.0, help='seconds per HTTP request (default 10)')
    parser.add_argument('--min-interval', type=int, default=DEFAULT_MIN_INTERVAL,
                        help=f'least seconds between fetches (default {DEFAULT_MIN_INTERVAL})')
    parser.add_argument('--max-interval', type=int, default=DEFAULT_MAX_INTERVAL,
                        help=f'most seconds a response counts as fresh (default {DEFAULT_MAX_INTERVAL})')
    args = parser.parse_args(argv)
    if args.min_interval < 0 or args.max_interval < args.min_interval:
        parser.error('--min-interval must be 0 or more, and at most --max-interval')

    lock = None
    try:
        if args.state:
            lock = open(args.state + '.lock', 'a')
            fcntl.flock(lock, fcntl.LOCK_EX)
        for line in refresh(args):
            print(line)
        return 0
    except RefreshError as e:
        print(f'jwks_refresh: {args.issuer}: {e}', file=sys.stderr)
        return 1
    finally:
        if lock:
            lock.close()


if __name__ == '__main__':
    sys.exit(main())
