import type { Metadata } from 'next';
import { cookies, headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { NextIntlClientProvider } from 'next-intl';
import { getMessages, getTranslations, setRequestLocale } from 'next-intl/server';
import type { ReactNode } from 'react';
import { EuiRoot } from '@/components/providers/eui-root';
import { ParticipantProvider } from '@/components/providers/participant';
import { AppShell } from '@/components/shell/app-shell';
import { isLocale, locales } from '@/i18n/routing';
import { currentParticipant } from '@/lib/auth/session';
import { loadAllFrontmatter } from '@/lib/content/load';
import { NONCE_HEADER } from '@/lib/server/content-security';
import { parseColorMode, THEME_COOKIE } from '@/lib/theme';
import '../globals.css';

export function generateStaticParams() {
  return locales.map((locale) => ({ locale }));
}

export async function generateMetadata({ params }: { params: { locale: string } }): Promise<Metadata> {
  if (!isLocale(params.locale)) return {};
  const t = await getTranslations({ locale: params.locale, namespace: 'app' });
  return { title: { default: t('title'), template: `%s · ${t('shortTitle')}` }, description: t('stackVersion') };
}

export default async function LocaleLayout({ children, params }: { children: ReactNode; params: { locale: string } }) {
  const { locale } = params;
  if (!isLocale(locale)) notFound();
  setRequestLocale(locale);
  const [messages, chapterMeta, participant] = await Promise.all([getMessages(), loadAllFrontmatter(locale), currentParticipant()]);
  const colorMode = parseColorMode(cookies().get(THEME_COOKIE)?.value);
  // Set by middleware.ts for this response's Content-Security-Policy.
  const nonce = headers().get(NONCE_HEADER) ?? undefined;
  const nav = chapterMeta.map(({ chapter, frontmatter }) => ({
    number: chapter.number,
    slug: chapter.slug,
    title: frontmatter.title,
  }));

  return (
    <html lang={locale} data-color-mode={colorMode}>
      <body>
        <NextIntlClientProvider messages={messages} locale={locale}>
          <ParticipantProvider participant={participant}>
            <EuiRoot initialColorMode={colorMode} nonce={nonce}>
              <AppShell chapters={nav}>{children}</AppShell>
            </EuiRoot>
          </ParticipantProvider>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
