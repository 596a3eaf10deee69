import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { chapterFrontmatterSchema } from '@/lib/content/frontmatter';
import { outlineFromMdx } from '@/lib/content/outline';
import { sharedFile } from '@/lib/testing/shared-files';
import { chapters, checkpointIds } from './chapters';

const handoutPath = sharedFile('seed', 'workshop-handout-ko.txt');

/** Section headings of chapter 1 that the handout numbers like steps but are not steps. */
const sectionHeadings = ['1. Elastic Cloud 계정 생성', '2. Elasticsearch Service(ESS) 생성'];

/** Counts the handout's numbered steps per chapter, straight from the handout text. */
function handoutStepCounts(): Map<number, number> {
  const lines = readFileSync(handoutPath, 'utf8').split('\n');
  const starts = new Map<number, number>();
  lines.forEach((line, index) => {
    const match = /^(\d)장: /.exec(line.trim());
    // The table of contents repeats the headings; the last occurrence starts the chapter.
    if (match) starts.set(Number(match[1]), index);
  });
  const ordered = [...starts.entries()].sort((a, b) => a[1] - b[1]);
  const counts = new Map<number, number>();
  ordered.forEach(([chapter, start], i) => {
    const end = ordered[i + 1]?.[1] ?? lines.length;
    const steps = lines
      .slice(start, end)
      .map((line) => line.trim())
      .filter((line) => /^\d{1,2}\.\s+\S/.test(line) && !sectionHeadings.includes(line));
    counts.set(chapter, steps.length);
  });
  return counts;
}

function read(locale: string, file: string): string {
  return readFileSync(path.resolve(__dirname, locale, `${file}.mdx`), 'utf8');
}

function frontmatterOf(source: string): unknown {
  const match = /^---\n([\s\S]*?)\n---/.exec(source);
  return match?.[1] ? parseYaml(match[1]) : undefined;
}

describe('chapter content', () => {
  const handout = handoutStepCounts();

  it('reads five chapters from the handout', () => {
    expect([...handout.keys()]).toEqual([1, 2, 3, 4, 5]);
    expect([...handout.values()]).toEqual([19, 11, 16, 28, 24]);
  });

  for (const chapter of chapters) {
    describe(`chapter ${chapter.number} (${chapter.file})`, () => {
      const ko = outlineFromMdx(read('ko', chapter.file));
      const en = outlineFromMdx(read('en', chapter.file));

      it('keeps every numbered step of the handout, numbered 1..N', () => {
        const expected = handout.get(chapter.number);
        expect(ko.steps.map((s) => s.n)).toEqual(Array.from({ length: expected ?? -1 }, (_, i) => i + 1));
      });

      it('has the same steps, checkpoints, panels and live helpers in Korean and English', () => {
        expect(en.steps.map((s) => s.n)).toEqual(ko.steps.map((s) => s.n));
        expect(en.steps.map((s) => s.checkpoints)).toEqual(ko.steps.map((s) => s.checkpoints));
        expect(en.steps.map((s) => s.panels)).toEqual(ko.steps.map((s) => s.panels));
        expect(en.steps.map((s) => s.actions)).toEqual(ko.steps.map((s) => s.actions));
        expect(en.steps.map((s) => s.setups)).toEqual(ko.steps.map((s) => s.setups));
        expect(en.steps.map((s) => s.tools)).toEqual(ko.steps.map((s) => s.tools));
        for (const step of [...ko.steps, ...en.steps]) expect(step.title.length).toBeGreaterThan(0);
      });

      it("places each of the chapter's checkpoints exactly once", () => {
        const ids = checkpointIds[chapter.number];
        expect([...ko.checkpoints].sort()).toEqual([...ids].sort());
        expect([...en.checkpoints].sort()).toEqual([...ids].sort());
      });

      it('has valid frontmatter listing its checkpoints in both languages', () => {
        for (const locale of ['ko', 'en']) {
          const fm = chapterFrontmatterSchema.parse(frontmatterOf(read(locale, chapter.file)));
          expect(fm.checkpoints).toEqual([...checkpointIds[chapter.number]]);
        }
      });
    });
  }

  it('fixes the handout’s Korean typos', () => {
    const typos = ['하니씩', '섹견', '검책창', '데시보드', '패텀', '사자가', 'Anomali ', 'JSON 구분'];
    for (const chapter of chapters) {
      const source = read('ko', chapter.file);
      for (const typo of typos) expect(source, `${chapter.file} contains ${typo}`).not.toContain(typo);
    }
  });

  it('carries the corrected SSH watch: no types array, a mustache section for each attempt', () => {
    for (const locale of ['ko', 'en']) {
      const source = read(locale, '04-alerting');
      expect(source).not.toMatch(/"types"\s*:/);
      expect(source).toContain('{{#ctx.payload.hits.hits}}');
      expect(source).toContain('{{/ctx.payload.hits.hits}}');
      expect(source).not.toContain('{{ctx.payload.hits.hits}}{{_id}}');
    }
  });

  it('puts the practice host buttons beside the Filebeat and SSH steps', () => {
    const actionsOf = (file: string) =>
      Object.fromEntries(outlineFromMdx(read('ko', file)).steps.filter((s) => s.actions.length > 0).map((s) => [s.n, s.actions]));
    expect(actionsOf('03-filebeat')).toEqual({ 6: ['filebeat-setup'], 8: ['filebeat-start'], 14: ['ssh-attempt'] });
    expect(actionsOf('04-alerting')).toMatchObject({ 26: ['ssh-attempt@foo'] });
    for (const locale of ['ko', 'en']) {
      const steps = outlineFromMdx(read(locale, '03-filebeat')).steps;
      expect(steps.find((s) => s.n === 14)?.panels).toEqual(['auth-log']);
      expect(read(locale, '03-filebeat')).toContain('<BeatSetup beat="filebeat" />');
    }
  });

  it('puts the chapter 2 set-up boxes and practice buttons beside their steps', () => {
    for (const locale of ['ko', 'en']) {
      const steps = outlineFromMdx(read(locale, '02-metricbeat')).steps;
      const at = (n: number) => steps.find((s) => s.n === n);
      expect(at(1)?.setups).toEqual(['metricbeat:install']);
      expect(at(3)?.setups).toEqual(['metricbeat:config']);
      expect(at(4)?.actions).toEqual(['metricbeat-setup']);
      expect(at(6)?.actions).toEqual(['metricbeat-start']);
      expect(at(7)?.panels).toEqual(['host-metrics']);
      const dd = outlineFromMdx(read(locale, '04-alerting')).steps.find((s) => s.actions.includes('cpu-load'));
      expect(dd?.panels).toEqual(['host-metrics']);
    }
  });

  it('never tells attendees to run the invalid `service metricbeat run`', () => {
    for (const chapter of chapters) {
      for (const locale of ['ko', 'en']) {
        const source = read(locale, chapter.file);
        const commands = [...source.matchAll(/<Command>\{`([\s\S]*?)`\}<\/Command>/g)].map((m) => m[1]);
        for (const command of commands) expect(command).not.toMatch(/service (metric|file)beat run/);
      }
    }
  });
});

describe('chapter 4 tools', () => {
  it('puts the builder, the SSH watch editor and the mailbox at the handout steps they belong to, in both languages', () => {
    for (const locale of ['ko', 'en']) {
      const steps = outlineFromMdx(read(locale, '04-alerting')).steps;
      const where = Object.fromEntries(steps.filter((s) => s.tools.length > 0 || s.panels.length > 0 || s.actions.length > 0).map((s) => [s.n, [...s.tools, ...s.panels, ...s.actions]]));
      expect(where, locale).toEqual({
        4: ['ThresholdAlertBuilder'],
        7: ['watches'],
        9: ['host-metrics', 'cpu-load'],
        18: ['PracticeMailbox'],
        23: ['SshWatchEditor'],
        26: ['ssh-attempt@foo'],
        27: ['PracticeMailbox'],
      });
    }
  });
});
