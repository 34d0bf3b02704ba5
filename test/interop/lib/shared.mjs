// shared.mjs: where the public test vectors are.
//
// They live outside the repository, in ../shared relative to its root
// (TOKEN_EXT_SHARED overrides), and are read at run time, never copied.
// cookbookDir() is null when they are absent: their tests then SKIP.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHARED_DIR = process.env.TOKEN_EXT_SHARED
  ? resolve(process.env.TOKEN_EXT_SHARED)
  : resolve(REPO_ROOT, '../shared');
export const COOKBOOK_DIR = join(SHARED_DIR, 'vectors', 'cookbook');

// The RFC 7520 cookbook folder, or null when it is not there.
export function cookbookDir() {
  return existsSync(COOKBOOK_DIR) ? COOKBOOK_DIR : null;
}

// A cookbook file, parsed.
export function readCookbook(relativePath) {
  return JSON.parse(readFileSync(join(COOKBOOK_DIR, relativePath), 'utf8'));
}
