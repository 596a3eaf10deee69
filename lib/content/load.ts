import 'server-only';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MDXContent } from 'mdx/types';
import { chapters, type Chapter } from '@/content/chapters';
import type { Locale } from '@/i18n/routing';
import { chapterFrontmatterSchema, type ChapterFrontmatter } from './frontmatter';
import { outlineFromMdx, type ChapterOutline } from './outline';

export interface LoadedChapter {
  chapter: Chapter;
  frontmatter: ChapterFrontmatter;
  Content: MDXContent;
}

/** Imports a chapter's compiled MDX and checks its frontmatter, failing loudly on a content error. */
export async function loadChapter(locale: Locale, chapter: Chapter): Promise<LoadedChapter> {
  const mod = (await import(`@/content/${locale}/${chapter.file}.mdx`)) as {
    default: MDXContent;
    frontmatter?: unknown;
  };
  const parsed = chapterFrontmatterSchema.safeParse(mod.frontmatter);
  if (!parsed.success) {
    throw new Error(`content/${locale}/${chapter.file}.mdx has invalid frontmatter: ${parsed.error.message}`);
  }
  return { chapter, frontmatter: parsed.data, Content: mod.default };
}

export async function loadAllFrontmatter(locale: Locale): Promise<{ chapter: Chapter; frontmatter: ChapterFrontmatter }[]> {
  return Promise.all(
    chapters.map(async (chapter) => {
      const { frontmatter } = await loadChapter(locale, chapter);
      return { chapter, frontmatter };
    }),
  );
}

export async function loadOutline(locale: Locale, chapter: Chapter): Promise<ChapterOutline> {
  const source = await readFile(path.join(process.cwd(), 'content', locale, `${chapter.file}.mdx`), 'utf8');
  return outlineFromMdx(source);
}
