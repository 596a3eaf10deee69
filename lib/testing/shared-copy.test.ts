import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_COPY_DIR, SHARED_DIR } from './shared-files';

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name), path.join(prefix, entry.name)) : [path.join(prefix, entry.name)],
  );
}

describe('the in-repo copy of ../shared', () => {
  const copied = filesUnder(SHARED_COPY_DIR).filter((file) => file !== 'README.md');

  it('holds the fixtures and the handout', () => {
    expect(copied).toEqual(expect.arrayContaining(['seed/workshop-handout-ko.txt', 'fixtures/metricbeat/system-cpu.json']));
  });

  it.skipIf(!existsSync(SHARED_DIR))('is byte for byte what ../shared holds', () => {
    for (const file of copied) {
      expect(readFileSync(path.join(SHARED_COPY_DIR, file)).equals(readFileSync(path.join(SHARED_DIR, file))), file).toBe(true);
    }
  });
});
