'use client';

import {
  EuiBadge,
  EuiButtonIcon,
  EuiHeader,
  EuiHeaderLogo,
  EuiHeaderSection,
  EuiHeaderSectionItem,
  EuiPageTemplate,
  EuiSideNav,
  EuiSkipLink,
  EuiTitle,
  EuiToolTip,
  type EuiSideNavItemType,
} from '@elastic/eui';
import { useTranslations } from 'next-intl';
import { useEffect, useState, type ReactNode } from 'react';
import { useProgressSummary } from '@/components/guide/use-checkpoints';
import { useColorMode } from '@/components/providers/eui-root';
import { useParticipant } from '@/components/providers/participant';
import { Link, usePathname } from '@/i18n/navigation';
import { LanguageSwitch } from './language-switch';
import { SessionMenu } from './session-menu';

export interface ChapterNavItem {
  number: number;
  slug: string;
  title: string;
}

export interface AppShellProps {
  chapters: ChapterNavItem[];
  children: ReactNode;
}

const PRESENTER_PATH = /^\/instructor\/[^/]+\/present\//;

export function AppShell({ chapters, children }: AppShellProps) {
  const t = useTranslations();
  const pathname = usePathname();
  const participant = useParticipant();
  const { colorMode, toggleColorMode } = useColorMode();
  const [navOpenOnMobile, setNavOpenOnMobile] = useState(false);
  // On a phone the chapter list closes once a chapter has been picked.
  useEffect(() => setNavOpenOnMobile(false), [pathname]);
  const progress = useProgressSummary(participant !== null && participant.role !== 'instructor');

  const items: EuiSideNavItemType<unknown>[] = [
    {
      id: 'home',
      name: t('nav.home'),
      href: '/',
      isSelected: pathname === '/',
      renderItem: ({ href, children: label, className }) => (
        <Link href={href ?? '/'} className={className} data-testid="nav-home">
          {label}
        </Link>
      ),
    },
    ...(participant?.role === 'instructor'
      ? [
          {
            id: 'instructor',
            name: t('nav.instructor'),
            href: '/instructor',
            isSelected: pathname.startsWith('/instructor'),
            renderItem: ({ className, children: label }: { className?: string; children: ReactNode }) => (
              <Link href="/instructor" className={className} data-testid="nav-instructor">
                {label}
              </Link>
            ),
          },
        ]
      : []),
    ...chapters.map((chapter) => {
      const href = `/chapters/${chapter.slug}`;
      const counts = progress?.find((entry) => entry.chapter === chapter.number);
      return {
        id: chapter.slug,
        name: `${chapter.number}. ${chapter.title}`,
        href,
        isSelected: pathname === href,
        renderItem: ({ className, children: label }: { className?: string; children: ReactNode }) => (
          <Link
            href={href}
            className={className}
            data-testid={`nav-chapter-${chapter.number}`}
            aria-current={pathname === href ? 'page' : undefined}
          >
            {label}
            {counts && (
              <EuiBadge
                color={counts.done === counts.total ? 'success' : 'hollow'}
                style={{ marginInlineStart: 8 }}
                data-testid={`nav-progress-${chapter.number}`}
                data-done={counts.done}
                data-total={counts.total}
                title={t('progress.ofCheckpoints', { done: counts.done, total: counts.total })}
              >
                <span aria-hidden>{t('progress.short', { done: counts.done, total: counts.total })}</span>
                <span className="euiScreenReaderOnly">{t('progress.ofCheckpoints', { done: counts.done, total: counts.total })}</span>
              </EuiBadge>
            )}
          </Link>
        ),
      };
    }),
  ];

  const themeLabel = colorMode === 'dark' ? t('theme.toLight') : t('theme.toDark');

  // Presenter mode fills the projector: no header, no side bar.
  if (PRESENTER_PATH.test(pathname)) {
    return (
      <div data-color-mode={colorMode} data-testid="app-shell">
        <main id="main-content" tabIndex={-1}>
          {children}
        </main>
      </div>
    );
  }

  return (
    <div data-color-mode={colorMode} data-testid="app-shell">
      <EuiSkipLink destinationId="main-content" position="fixed">
        {t('app.skipToContent')}
      </EuiSkipLink>
      {/* On a phone the header keeps every control in view: labels shrink to icons (globals.css). */}
      <EuiHeader position="static" className="guide-header" data-testid="app-header">
        <EuiHeaderSection>
          <EuiHeaderSectionItem>
            <Link href="/" legacyBehavior passHref>
              <EuiHeaderLogo iconTitle={t('nav.home')} data-testid="header-brand" />
            </Link>
          </EuiHeaderSectionItem>
          <EuiHeaderSectionItem className="guide-header-title">
            <EuiTitle size="xxs">
              <span>{t('app.shortTitle')}</span>
            </EuiTitle>
          </EuiHeaderSectionItem>
        </EuiHeaderSection>
        <EuiHeaderSection side="right">
          <EuiHeaderSectionItem>
            <SessionMenu />
          </EuiHeaderSectionItem>
          <EuiHeaderSectionItem>
            <LanguageSwitch />
          </EuiHeaderSectionItem>
          <EuiHeaderSectionItem>
            <EuiToolTip content={themeLabel} disableScreenReaderOutput>
              <EuiButtonIcon
                iconType={colorMode === 'dark' ? 'sun' : 'moon'}
                aria-label={themeLabel}
                onClick={toggleColorMode}
                data-testid="theme-toggle"
                color="text"
              />
            </EuiToolTip>
          </EuiHeaderSectionItem>
        </EuiHeaderSection>
      </EuiHeader>
      {/* component="div": EuiPageTemplate's inner wrapper is a <main> by default, and the page has its own. */}
      <EuiPageTemplate panelled restrictWidth={1400} grow component="div">
        <EuiPageTemplate.Sidebar sticky minWidth={240}>
          {/* No heading: on a phone the toggle then reads "Chapters" instead of EUI's generic label. */}
          <EuiSideNav
            aria-label={t('nav.chapters')}
            mobileTitle={t('nav.chapters')}
            toggleOpenOnMobile={() => setNavOpenOnMobile((open) => !open)}
            isOpenOnMobile={navOpenOnMobile}
            items={[{ id: 'guide', name: t('app.title'), items }]}
            data-testid="side-nav"
          />
        </EuiPageTemplate.Sidebar>
        <main id="main-content" tabIndex={-1}>
          {children}
        </main>
      </EuiPageTemplate>
    </div>
  );
}
