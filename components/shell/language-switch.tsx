'use client';

import { EuiButtonEmpty } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { usePathname, useRouter } from '@/i18n/navigation';
import type { Locale } from '@/i18n/routing';

/** The step nearest the top of the viewport, so switching language keeps the reader's place. */
function currentStepAnchor(): string {
  const steps = Array.from(document.querySelectorAll<HTMLElement>('[data-step]'));
  let current: HTMLElement | undefined;
  for (const step of steps) {
    if (step.getBoundingClientRect().top <= 120) current = step;
    else break;
  }
  return current ? `#${current.id}` : window.location.hash;
}

export function LanguageSwitch() {
  const t = useTranslations('language');
  const locale = useLocale() as Locale;
  const other: Locale = locale === 'ko' ? 'en' : 'ko';
  const pathname = usePathname();
  const router = useRouter();

  return (
    <EuiButtonEmpty
      iconType="globe"
      size="s"
      lang={other}
      data-testid="language-switch"
      href={`/${other}${pathname === '/' ? '' : pathname}`}
      onClick={(event: React.MouseEvent) => {
        event.preventDefault();
        router.push(`${pathname}${currentStepAnchor()}`, { locale: other });
      }}
    >
      <span className="guide-header-label">{t('switchTo')}</span>
      <span className="guide-header-short" aria-hidden>
        {t(other)}
      </span>
    </EuiButtonEmpty>
  );
}
