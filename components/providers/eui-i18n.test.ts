import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '@/messages/en.json';
import ko from '@/messages/ko.json';
import { euiTokenMapping } from './eui-i18n';

const euiDefaults = new Map(
  (JSON.parse(readFileSync(path.resolve(__dirname, '../../node_modules/@elastic/eui/i18ntokens.json'), 'utf8')) as { token: string; defString: unknown }[]).map(
    (token) => [token.token, token.defString],
  ),
);

describe("EUI's own strings", () => {
  it('nest under `eui` by the token’s dots and flatten back to EUI tokens', () => {
    expect(euiTokenMapping({ euiSideNav: { mobileToggleAriaLabel: 'x' }, euiBasicTable: { caption: { tableName: 'y' } } })).toEqual({
      'euiSideNav.mobileToggleAriaLabel': 'x',
      'euiBasicTable.caption.tableName': 'y',
    });
  });

  it('are real EUI tokens; English keeps EUI’s wording and Korean translates it', () => {
    const koMapping = euiTokenMapping(ko.eui);
    const enMapping = euiTokenMapping(en.eui);
    expect(Object.keys(koMapping).length).toBeGreaterThan(40);
    for (const [token, text] of Object.entries(koMapping)) {
      expect(euiDefaults.has(token), token).toBe(true);
      expect(enMapping[token], token).toBe(euiDefaults.get(token));
      // Same placeholders, so EUI fills them in both languages.
      const placeholders = (value: string) => [...value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders(text), token).toEqual(placeholders(enMapping[token] ?? ''));
      if (/[a-z]{3}/i.test((enMapping[token] ?? '').replace(/\{\w+\}/g, ''))) expect(text, token).not.toBe(enMapping[token]);
    }
  });

  it('cover the strings the guide’s pages show: the phone navigation toggle, code blocks, password fields, dialogs', () => {
    const mapping = euiTokenMapping(ko.eui);
    for (const token of [
      'euiSideNav.mobileToggleAriaLabel',
      'euiCodeBlockFullScreen.fullscreenExpand',
      'euiCodeBlockCopy.copy',
      'euiFieldPassword.showPassword',
      'euiFieldPassword.maskPassword',
      'euiFlyoutCloseButton.ariaLabel',
      'euiModal.closeModal',
      'euiExternalLinkIcon.newTarget.screenReaderOnlyText',
      'euiLoadingStrings.ariaLabel',
    ]) {
      expect(mapping[token], token).toMatch(/[가-힣]/);
    }
  });
});
