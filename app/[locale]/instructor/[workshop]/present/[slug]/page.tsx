import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { ChapterBody } from '@/components/guide/chapter-body';
import { PresenterFrame } from '@/components/instructor/presenter-frame';
import { RoleRequired } from '@/components/instructor/status';
import { chapterByNumber, chapterBySlug } from '@/content/chapters';
import { isLocale, type Locale } from '@/i18n/routing';
import { instructorForPage, ownedWorkshopForPage } from '@/lib/board/page-access';
import { loadChapter } from '@/lib/content/load';

export const dynamic = 'force-dynamic';

interface PresentPageProps {
  params: { locale: string; workshop: string; slug: string };
}

export async function generateMetadata({ params }: PresentPageProps): Promise<Metadata> {
  if (!isLocale(params.locale)) return {};
  const t = await getTranslations({ locale: params.locale, namespace: 'presenter' });
  return { title: t('title') };
}

async function neighbour(locale: Locale, number: number) {
  const chapter = chapterByNumber(number);
  if (!chapter) return undefined;
  const { frontmatter } = await loadChapter(locale, chapter);
  return { slug: chapter.slug, number: chapter.number, title: frontmatter.title };
}

/** The chapter for the projector: large type, and the class's count beside each checkpoint. */
export default async function PresentPage({ params }: PresentPageProps) {
  const chapter = chapterBySlug(params.slug);
  if (!chapter || !isLocale(params.locale)) notFound();
  setRequestLocale(params.locale);
  const here = `/${params.locale}/instructor/${encodeURIComponent(params.workshop)}/present/${chapter.slug}`;
  const caller = await instructorForPage(params.locale, here);
  if (!caller) return <RoleRequired returnTo={here} />;
  const workshop = await ownedWorkshopForPage(caller, params.workshop);
  const [{ frontmatter, Content }, previous, next] = await Promise.all([
    loadChapter(params.locale, chapter),
    neighbour(params.locale, chapter.number - 1),
    neighbour(params.locale, chapter.number + 1),
  ]);
  return (
    <PresenterFrame
      workshop={{ id: workshop.id, name: workshop.name, code: workshop.code }}
      chapter={{ number: chapter.number, title: frontmatter.title }}
      previous={previous}
      next={next}
    >
      <ChapterBody>
        <Content />
      </ChapterBody>
    </PresenterFrame>
  );
}
