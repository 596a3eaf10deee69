import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { JoinForm } from '@/components/auth/join-form';
import { isLocale } from '@/i18n/routing';
import { availableProviders } from '@/lib/auth/options';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: { locale: string } }): Promise<Metadata> {
  if (!isLocale(params.locale)) return {};
  const t = await getTranslations({ locale: params.locale, namespace: 'join' });
  return { title: t('title') };
}

export default function JoinPage({ params, searchParams }: { params: { locale: string }; searchParams: { callbackUrl?: string; code?: string; as?: string } }) {
  if (!isLocale(params.locale)) notFound();
  setRequestLocale(params.locale);
  // Only a path on this site may be the place to return to (no open redirect).
  const asked = searchParams.callbackUrl?.startsWith('/') && !searchParams.callbackUrl.startsWith('//') ? searchParams.callbackUrl : undefined;
  const providers = availableProviders();
  return (
    <JoinForm
      providers={providers}
      callbackUrl={asked ?? `/${params.locale}/chapters/cluster`}
      // Instructors land on their workshops, unless they were sent here from a page to return to.
      instructorCallbackUrl={asked ?? `/${params.locale}/instructor`}
      initialCode={searchParams.code ?? ''}
      initialMode={searchParams.as === 'instructor' && providers.instructor ? 'instructor' : searchParams.as === 'self-paced' ? 'self-paced' : 'attendee'}
    />
  );
}
