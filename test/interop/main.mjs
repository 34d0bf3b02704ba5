// main.mjs: runs the interop and vector suite of token_ext against jose.
//
// Each imported file registers its tests; they run in order against a
// scratch database (see lib/db.mjs), and the output ends with
// "RESULT <passed> <failed> <skipped>".

import './lib/node_compat.mjs'; // first: sets up what this Node lacks before jose loads
import { run, test } from './lib/tap.mjs';
import { openScratchDatabase, closeScratchDatabase } from './lib/db.mjs';

let setupError = null;
try {
  await openScratchDatabase();
} catch (err) {
  setupError = err;
}

if (setupError) {
  test('scratch database with token_ext', async () => { throw setupError; });
} else {
  await import('./jose_signs_token_ext_verifies.mjs');
  await import('./token_ext_signs_jose_verifies.mjs');
  await import('./rejections.mjs');
  await import('./raw_payloads.mjs');
  await import('./json_differentials.mjs');
  await import('./cookbook_rfc7520.mjs');
  await import('./jose_signs_token_ext_verifies_asymmetric.mjs');
  await import('./token_ext_signs_jose_verifies_asymmetric.mjs');
  await import('./key_tools_jose.mjs');
  await import('./rejections_asymmetric.mjs');
  await import('./cookbook_rfc7520_asymmetric.mjs');
  await import('./jwe_interop.mjs');
  await import('./jwe_tampering.mjs');
  await import('./cookbook_rfc7520_jwe.mjs');
  await import('./postgrest_sequence.mjs');
  await import('./pgjwt_compat_jose.mjs');
  await import('./identity_providers.mjs');
}

const { failed } = await run();
await closeScratchDatabase();
process.exitCode = failed ? 1 : 0;
