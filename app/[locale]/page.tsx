import { notFound } from 'next/navigation';
import { setRequestLocale } from 'next-intl/server';
import { Landing } from '@/components/guide/landing';
import { chapters } from '@/content/chapters';
import { isLocale } from '@/i18n/routing';
import { loadAllFrontmatter, loadOutline } from '@/lib/content/load';

export default async function LandingPage({ params }: { params: { locale: string } }) {
  const { locale } = params;
  // Any first path segment reaches this page (a stray /favicon.ico too): only a locale is a page.
  if (!isLocale(locale)) notFound();
  setRequestLocale(locale);
  const meta = await loadAllFrontmatter(locale);
  const outlines = await Promise.all(chapters.map((chapter) => loadOutline(locale, chapter)));
  return (
    <Landing
      chapters={meta.map(({ chapter, frontmatter }, index) => ({
        number: chapter.number,
        slug: chapter.slug,
        title: frontmatter.title,
        summary: frontmatter.summary,
        duration: frontmatter.duration,
        steps: outlines[index]?.steps.length ?? 0,
        checkpoints: frontmatter.checkpoints.length,
      }))}
    />
  );
}
