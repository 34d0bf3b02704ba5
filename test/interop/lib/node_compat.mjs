// node_compat.mjs: the one place the suite adapts to the Node.js it runs on.
//
// The suite runs on Debian 12's Node 18 and on Node 20 and later.  main.mjs
// imports this module before anything else, so what it sets up is in place
// before jose or any test file loads.
//
// - Global `crypto`.  jose 6 calls the Web Crypto API through the global
//   `crypto` (crypto.subtle, crypto.getRandomValues).  Node 20 and later
//   define that global; Node 18 defines it only in CommonJS scripts run with
//   -e or the REPL, not in ES modules, yet has the very same object as
//   node:crypto's `webcrypto`.  Making that object the global changes no
//   implementation: it is what Node 20's global `crypto` is.
// - "deflate-raw" decompression.  jose inflates a JWE with "zip": "DEF"
//   through DecompressionStream('deflate-raw'), a format Node 18's
//   DecompressionStream does not know.  That is a missing feature, not a
//   missing global: the tests that need it SKIP with lacksDeflateRaw as the
//   reason (see cookbook_rfc7520_jwe.mjs).

import { webcrypto } from 'node:crypto';

if (globalThis.crypto === undefined) {
  Object.defineProperty(globalThis, 'crypto', {
    value: webcrypto, enumerable: true, configurable: true, writable: true,
  });
}

// Why a jose "zip": "DEF" test cannot run on this Node, or null if it can.
function deflateRawReason() {
  if (typeof DecompressionStream !== 'function') {
    return `Node ${process.version} has no DecompressionStream, which jose needs to inflate "zip": "DEF"`;
  }
  try {
    new DecompressionStream('deflate-raw');
    return null;
  } catch {
    return `Node ${process.version}'s DecompressionStream has no "deflate-raw" format, ` +
      'which jose needs to inflate "zip": "DEF"';
  }
}

export const lacksDeflateRaw = deflateRawReason();
