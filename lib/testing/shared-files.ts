import { existsSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

/** The project's shared folder beside the repository, when this checkout has one. */
export const SHARED_DIR = path.resolve(repoRoot, '..', 'shared');

/** The in-repo copy of the shared files the tests need (see lib/testing/shared/README.md). */
export const SHARED_COPY_DIR = path.join(repoRoot, 'lib', 'testing', 'shared');

/**
 * A shared file for a test: from `../shared` when present (the source of truth), else from the
 * copy kept in the repository, so a clean clone anywhere runs the same tests.
 */
export function sharedFile(...parts: string[]): string {
  const original = path.join(SHARED_DIR, ...parts);
  return existsSync(original) ? original : path.join(SHARED_COPY_DIR, ...parts);
}
