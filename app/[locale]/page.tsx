import { setRequestLocale } from 'next-intl/server';
import { Landing } from '@/components/guide/landing';
import { chapters } from '@/content/chapters';
import type { Locale } from '@/i18n/routing';
import { loadAllFrontmatter, loadOutline } from '@/lib/content/load';

export default async function LandingPage({ params }: { params: { locale: Locale } }) {
  setRequestLocale(params.locale);
  const meta = await loadAllFrontmatter(params.locale);
  const outlines = await Promise.all(chapters.map((chapter) => loadOutline(params.locale, chapter)));
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
