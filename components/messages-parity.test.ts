import { describe, expect, it } from 'vitest';
import en from '@/messages/en.json';
import ko from '@/messages/ko.json';

/** Every key path of a nested messages object, e.g. `board.stuck.title`. */
function keys(messages: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    value && typeof value === 'object' ? keys(value as Record<string, unknown>, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

describe('UI messages', () => {
  it('have the same keys in Korean and English', () => {
    expect(keys(ko).sort()).toEqual(keys(en).sort());
  });

  it('name every ICU placeholder of a message in both languages', () => {
    const flat = (messages: Record<string, unknown>) => new Map(keys(messages).map((key) => [key, key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages) as string]));
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)[,}]/g)].map((match) => match[1]).sort();
    const koFlat = flat(ko);
    for (const [key, text] of flat(en)) expect([key, [...new Set(placeholders(koFlat.get(key) ?? ''))]]).toEqual([key, [...new Set(placeholders(text))]]);
  });
});
