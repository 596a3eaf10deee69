import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { ClassBoard } from '@/components/instructor/class-board';
import { RoleRequired } from '@/components/instructor/status';
import { isLocale } from '@/i18n/routing';
import { instructorForPage, ownedWorkshopForPage } from '@/lib/board/page-access';
import { publicOrigin } from '@/lib/board/public-origin';
import { workshopDto } from '@/lib/workshops';

export const dynamic = 'force-dynamic';

interface BoardPageProps {
  params: { locale: string; workshop: string };
}

export async function generateMetadata({ params }: BoardPageProps): Promise<Metadata> {
  if (!isLocale(params.locale)) return {};
  const t = await getTranslations({ locale: params.locale, namespace: 'board' });
  return { title: t('title') };
}

export default async function BoardPage({ params }: BoardPageProps) {
  if (!isLocale(params.locale)) notFound();
  setRequestLocale(params.locale);
  const here = `/${params.locale}/instructor/${encodeURIComponent(params.workshop)}`;
  const caller = await instructorForPage(params.locale, here);
  if (!caller) return <RoleRequired returnTo={here} />;
  const workshop = await ownedWorkshopForPage(caller, params.workshop);
  return <ClassBoard workshop={workshopDto(workshop)} origin={publicOrigin(caller.ctx.env, headers())} />;
}
