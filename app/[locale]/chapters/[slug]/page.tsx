import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { setRequestLocale } from 'next-intl/server';
import { ChapterBody } from '@/components/guide/chapter-body';
import { ChapterFrame } from '@/components/guide/chapter-header';
import { ChapterVisit } from '@/components/guide/chapter-visit';
import { chapterBySlug, chapterByNumber, chapters } from '@/content/chapters';
import { isLocale, locales, type Locale } from '@/i18n/routing';
import { loadChapter } from '@/lib/content/load';

interface ChapterPageProps {
  params: { locale: Locale; slug: string };
}

export function generateStaticParams() {
  return locales.flatMap((locale) => chapters.map((chapter) => ({ locale, slug: chapter.slug })));
}

export async function generateMetadata({ params }: ChapterPageProps): Promise<Metadata> {
  const chapter = chapterBySlug(params.slug);
  if (!chapter || !isLocale(params.locale)) return {};
  const { frontmatter } = await loadChapter(params.locale, chapter);
  return { title: frontmatter.title, description: frontmatter.summary };
}

async function neighbour(locale: Locale, number: number) {
  const chapter = chapterByNumber(number);
  if (!chapter) return undefined;
  const { frontmatter } = await loadChapter(locale, chapter);
  return { slug: chapter.slug, number: chapter.number, title: frontmatter.title };
}

export default async function ChapterPage({ params }: ChapterPageProps) {
  const chapter = chapterBySlug(params.slug);
  if (!chapter || !isLocale(params.locale)) notFound();
  setRequestLocale(params.locale);
  const [{ frontmatter, Content }, previous, next] = await Promise.all([
    loadChapter(params.locale, chapter),
    neighbour(params.locale, chapter.number - 1),
    neighbour(params.locale, chapter.number + 1),
  ]);
  return (
    <ChapterFrame
      number={chapter.number}
      title={frontmatter.title}
      summary={frontmatter.summary}
      duration={frontmatter.duration}
      previous={previous}
      next={next}
    >
      <ChapterVisit chapter={chapter.number} />
      <ChapterBody>
        <Content />
      </ChapterBody>
    </ChapterFrame>
  );
}
