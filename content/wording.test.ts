import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outlineFromMdx } from '@/lib/content/outline';
import { chapters } from './chapters';

const root = path.resolve(__dirname, '..');
const read = (...parts: string[]) => readFileSync(path.join(root, ...parts), 'utf8');

describe('wording', () => {
  it('uses one Korean word for workshop, 워크숍 (the standard form), in messages, chapters and error texts', () => {
    const sources = { 'messages/ko.json': read('messages', 'ko.json'), 'lib/errors-text.ts': read('lib', 'errors-text.ts') } as Record<string, string>;
    for (const chapter of chapters) sources[`content/ko/${chapter.file}.mdx`] = read('content', 'ko', `${chapter.file}.mdx`);
    for (const [file, text] of Object.entries(sources)) expect(text, file).not.toContain('워크샵');
    expect(sources['messages/ko.json']).toContain('워크숍');
  });

  it('uses one Korean word for a watch, 워치 (as loanword orthography writes "watch"), in messages, chapters and error texts', () => {
    const sources = { 'messages/ko.json': read('messages', 'ko.json'), 'lib/errors-text.ts': read('lib', 'errors-text.ts') } as Record<string, string>;
    for (const chapter of chapters) sources[`content/ko/${chapter.file}.mdx`] = read('content', 'ko', `${chapter.file}.mdx`);
    for (const [file, text] of Object.entries(sources)) expect(text, file).not.toContain('와치');
    expect(sources['messages/ko.json']).toContain('워치');
  });

  it('tells self-paced learners near the top of chapter 1 that the practice cluster can replace Elastic Cloud', () => {
    for (const [locale, phrase] of [['en', 'practice cluster instead'], ['ko', '연습 클러스터를 쓸 수 있다']] as const) {
      const source = read('content', locale, '01-cluster.mdx');
      const firstStep = source.indexOf('<Step n={1}');
      expect(source.indexOf(phrase), locale).toBeGreaterThan(0);
      expect(source.indexOf(phrase), locale).toBeLessThan(firstStep);
      expect(source.indexOf('<PracticeChoice continueAt={16} />'), locale).toBeLessThan(firstStep);
      // Step 16 is where the guide is connected: the step a connected learner goes on at.
      expect(outlineFromMdx(source).steps.find((step) => step.n === 16)?.panels).toEqual(['cluster-status']);
    }
  });

  it('ends each chapter with its checkpoints’ state, not an unconditional "done"', () => {
    for (const chapter of chapters) {
      for (const locale of ['en', 'ko']) {
        const source = read('content', locale, `${chapter.file}.mdx`);
        const last = outlineFromMdx(source).steps.at(-1)!;
        expect(last.title, `${locale} ${chapter.file}`).not.toMatch(/^(Done|끝)\b/);
        const lastStep = source.slice(source.lastIndexOf('<Step '));
        expect(lastStep, `${locale} ${chapter.file}`).toContain(`<ChapterDone chapter={${chapter.number}} />`);
        expect(lastStep, `${locale} ${chapter.file}`).not.toMatch(/Done\. You have finished|끝\. 이 장을 마쳤다/);
      }
    }
  });
});
