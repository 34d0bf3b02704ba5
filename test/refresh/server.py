#!/usr/bin/python3
"""A provider's discovery and key-set endpoints on 127.0.0.1, for test/refresh/run.sh.

Serves, from the directory given (re-read on every request, so the test
rotates keys by rewriting files):
  /.well-known/openid-configuration  discovery.json
  /jwks.json, /certs                  jwks.json, certs.json
with the headers named in headers.json ({"jwks.json": {"Cache-Control":
"max-age=300", "etag": true, "last_modified": true}, ...}): an ETag (a hash
of the body) and a Last-Modified (the file's time) when asked, answering
304 to a matching If-None-Match or If-Modified-Since.  Every request is
appended to requests.log as one JSON line (path, conditional headers,
status).  Prints the port it listens on, then serves until killed.
"""
import email.utils
import hashlib
import http.server
import json
import os
import sys

ROOT = sys.argv[1]
ROUTES = {'/.well-known/openid-configuration': 'discovery.json', '/jwks.json': 'jwks.json', '/certs': 'certs.json'}


def settings(name):
    try:
        with open(os.path.join(ROOT, 'headers.json'), encoding='utf-8') as f:
            return json.load(f).get(name, {})
    except FileNotFoundError:
        return {}


class Handler(http.server.BaseHTTPRequestHandler):
    def log(self, status):
        with open(os.path.join(ROOT, 'requests.log'), 'a', encoding='utf-8') as f:
            f.write(json.dumps({'path': self.path, 'if_none_match': self.headers.get('If-None-Match'),
                                'if_modified_since': self.headers.get('If-Modified-Since'),
                                'status': status}) + '\n')

    def do_GET(self):
        name = ROUTES.get(self.path)
        if name is None or not os.path.exists(os.path.join(ROOT, name)):
            self.log(404)
            self.send_error(404)
            return
        path = os.path.join(ROOT, name)
        with open(path, 'rb') as f:
            body = f.read()
        conf = settings(name)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"' if conf.get('etag') else None
        modified = email.utils.formatdate(int(os.path.getmtime(path)), usegmt=True) if conf.get('last_modified') else None
        status = 200
        if etag and self.headers.get('If-None-Match') == etag:
            status = 304
        elif not etag and modified and self.headers.get('If-Modified-Since') == modified:
            status = 304
        self.log(status)
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        if etag:
            self.send_header('ETag', etag)
        if modified:
            self.send_header('Last-Modified', modified)
        for header, value in conf.items():
            if header not in ('etag', 'last_modified'):
                self.send_header(header, value)
        if status == 304:
            self.end_headers()
            return
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
