// tap.mjs: a tiny TAP producer for the interop suite.
//
// Tests are registered with test() or skip() and run one at a time, in
// order, by run().  Each prints "ok N - name", "not ok N - name" (with the
// failure as "#" diagnostics) or "ok N - name # SKIP reason"; run() ends with
// the plan and the line "RESULT <passed> <failed> <skipped>" that test.sh
// reads.  A test that neither settles nor fails within TEST_TIMEOUT_MS fails.

const TEST_TIMEOUT_MS = 15000;
const registered = [];

// Register a test: fn is an async function that throws on failure.
export function test(name, fn) {
  registered.push({ name, fn });
}

// Register a test that cannot run here, with the reason.
export function skip(name, reason) {
  registered.push({ name, skipReason: reason });
}

// Print an error as TAP diagnostics.
function diagnose(err) {
  const text = err && err.stack ? err.stack : String(err);
  const extra = [];
  if (err && err.code) extra.push(`code: ${err.code}`);
  if (err && err.detail) extra.push(`detail: ${err.detail}`);
  for (const line of [...text.split('\n'), ...extra]) console.log(`# ${line}`);
}

// Run fn, failing it after TEST_TIMEOUT_MS.
async function withTimeout(fn) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS} ms`)), TEST_TIMEOUT_MS);
  });
  try {
    return await Promise.race([fn(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Run every registered test; returns the counts after printing them.
export async function run() {
  let n = 0;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const t of registered) {
    n++;
    if (t.skipReason !== undefined) {
      console.log(`ok ${n} - ${t.name} # SKIP ${t.skipReason}`);
      skipped++;
      continue;
    }
    try {
      await withTimeout(t.fn);
      console.log(`ok ${n} - ${t.name}`);
      passed++;
    } catch (err) {
      console.log(`not ok ${n} - ${t.name}`);
      diagnose(err);
      failed++;
    }
  }
  console.log(`1..${n}`);
  console.log(`RESULT ${passed} ${failed} ${skipped}`);
  return { passed, failed, skipped };
}
