import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { RoleRequired } from '@/components/instructor/status';
import { WorkshopList } from '@/components/instructor/workshop-list';
import { isLocale } from '@/i18n/routing';
import { instructorForPage } from '@/lib/board/page-access';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: { locale: string } }): Promise<Metadata> {
  if (!isLocale(params.locale)) return {};
  const t = await getTranslations({ locale: params.locale, namespace: 'instructor' });
  return { title: t('title') };
}

export default async function InstructorPage({ params }: { params: { locale: string } }) {
  if (!isLocale(params.locale)) notFound();
  setRequestLocale(params.locale);
  const here = `/${params.locale}/instructor`;
  const caller = await instructorForPage(params.locale, here);
  if (!caller) return <RoleRequired returnTo={here} />;
  return <WorkshopList />;
}
