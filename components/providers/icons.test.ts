import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

/** EUI's icon names, read from its icon map (`name: withMetadata(...)`). */
const euiIconNames = new Set(
  [...readFileSync(path.join(root, 'node_modules/@elastic/eui/es/components/icon/icon_map.js'), 'utf8').matchAll(/^ {2}(\w+): withMetadata\(/gm)].map((m) => m[1]),
);

/** The names registered in `guideIcons` (icons.ts), read from its object literal. */
function registered(): Set<string> {
  const source = readFileSync(path.join(__dirname, 'icons.ts'), 'utf8');
  const body = /export const guideIcons = \{([\s\S]*?)\};/.exec(source)?.[1] ?? '';
  return new Set([...body.matchAll(/^\s*(\w+)\s*[:,]/gm)].map((m) => m[1] ?? ''));
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('icons rendered on the server', () => {
  it('registers every icon the server-rendered pages name, so server and client render the same SVG', () => {
    const names = registered();
    expect(names.size).toBeGreaterThan(30);
    // Pages rendered on the server for everyone: the guide, the shell, the join form. (Live panels
    // load in the browser only; instructor pages register their own set in components/instructor/icons.ts.)
    const sources = ['guide', 'shell', 'auth', 'providers'].flatMap((dir) => files(path.join(root, 'components', dir)));
    const missing: string[] = [];
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      for (const [, name] of text.matchAll(/['"]([a-zA-Z]+)['"]/g)) {
        if (name && euiIconNames.has(name) && !names.has(name) && isIconUse(text, name)) missing.push(`${path.relative(root, file)}: ${name}`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});

/** A quoted name counts as an icon where it sits in an `iconType` prop or an icon table. */
function isIconUse(text: string, name: string): boolean {
  return new RegExp(`iconType(=\\{?|:\\s*|\\s*=\\s*\\{[^}]*)['"]${name}['"]`).test(text) || new RegExp(`[Ii]con\\w*\\s*(:[^=]*)?=\\s*\\{[^}]*['"]${name}['"]`).test(text);
}
