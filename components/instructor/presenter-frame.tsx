'use client';

import { EuiBadge, EuiButtonEmpty, EuiCallOut, EuiFlexGroup, EuiFlexItem, EuiSpacer, EuiText, EuiTitle, useEuiTheme } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useMemo, type ReactNode } from 'react';
import useSWR from 'swr';
import { PresenterContext } from '@/components/guide/presenter-context';
import { Link, useRouter } from '@/i18n/navigation';
import type { CountsDto } from '@/lib/board/service';
import { localeFetcher, type ApiError } from '@/lib/client/api';
import './icons';

interface Neighbour {
  slug: string;
  number: number;
  title: string;
}

export interface PresenterFrameProps {
  workshop: { id: string; name: string; code: string };
  chapter: { number: number; title: string };
  previous?: Neighbour;
  next?: Neighbour;
  children: ReactNode;
}

/** How often the projected counts refresh: one small aggregate query per poll. */
const COUNTS_REFRESH_MS = 3_000;

/** A step counts as "at the top" within this many pixels (steps keep a scroll margin, zoomed on the projector). */
const AT_TOP_PX = 40;

/**
 * The step to move to with → or ←: the next step below the top of the window, or the previous one
 * above it; null at either end of the chapter (→ at the bottom of the page counts as the end).
 */
export function stepToMoveTo(direction: 'next' | 'previous'): HTMLElement | null {
  const steps = Array.from(document.querySelectorAll<HTMLElement>('[data-step]'));
  if (direction === 'next') {
    const atBottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
    return atBottom ? null : (steps.find((step) => step.getBoundingClientRect().top > AT_TOP_PX) ?? null);
  }
  return steps.filter((step) => step.getBoundingClientRect().top < -AT_TOP_PX / 4).pop() ?? null;
}

/** Presenter keys (a clicker sends Page Up/Down, a keyboard ← →): step by step, then on to the next chapter. */
function usePresenterKeys(base: string, previous?: Neighbour, next?: Neighbour) {
  const router = useRouter();
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      const direction = event.key === 'ArrowRight' || event.key === 'PageDown' ? 'next' : event.key === 'ArrowLeft' || event.key === 'PageUp' ? 'previous' : null;
      if (!direction) return;
      event.preventDefault();
      const step = stepToMoveTo(direction);
      if (step) step.scrollIntoView({ block: 'start' });
      else if (direction === 'next' && next) router.push(`${base}/${next.slug}`);
      else if (direction === 'previous' && previous) router.push(`${base}/${previous.slug}`);
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [base, previous, next, router]);
}

/**
 * Presenter mode: the chapter in large type for a projector, without the guide's side bar, the
 * join code always in view, and the class's count beside each checkpoint (read by <Checkpoint>
 * through PresenterContext).
 */
export function PresenterFrame({ workshop, chapter, previous, next, children }: PresenterFrameProps) {
  const t = useTranslations('presenter');
  const locale = useLocale();
  const { euiTheme } = useEuiTheme();
  const { data, error } = useSWR<CountsDto, ApiError>(`/api/workshops/${workshop.id}/counts`, localeFetcher(locale), {
    refreshInterval: COUNTS_REFRESH_MS,
    keepPreviousData: true,
  });
  const value = useMemo(() => ({ counts: data ? { attendees: data.attendees, done: data.done } : null }), [data]);
  const base = `/instructor/${workshop.id}/present`;
  usePresenterKeys(base, previous, next);

  return (
    <div className="guide-presenter" data-testid="presenter" style={{ padding: euiTheme.size.xl }}>
      <EuiFlexGroup alignItems="center" justifyContent="spaceBetween" wrap>
        <EuiFlexItem grow={false}>
          <EuiTitle size="l">
            <h1 style={{ fontSize: '2.75rem', lineHeight: 1.2 }} data-testid="presenter-title">
              {t('chapterTitle', { number: chapter.number, title: chapter.title })}
            </h1>
          </EuiTitle>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiBadge color="primary" data-testid="presenter-join-code" style={{ fontSize: '1.75rem', padding: '0.5rem 1rem', lineHeight: 1.2 }}>
            {t('joinWith', { code: data?.workshop.code ?? workshop.code })}
          </EuiBadge>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiSpacer size="s" />
      <EuiFlexGroup gutterSize="s" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          <Link href={`/instructor/${workshop.id}`} legacyBehavior passHref>
            <EuiButtonEmpty iconType="chevronSingleLeft" size="s" data-testid="presenter-exit">
              {t('exit')}
            </EuiButtonEmpty>
          </Link>
        </EuiFlexItem>
        {previous && (
          <EuiFlexItem grow={false}>
            <Link href={`${base}/${previous.slug}`} legacyBehavior passHref>
              <EuiButtonEmpty size="s" data-testid="presenter-previous">
                {t('previous')}: {previous.number}. {previous.title}
              </EuiButtonEmpty>
            </Link>
          </EuiFlexItem>
        )}
        {next && (
          <EuiFlexItem grow={false}>
            <Link href={`${base}/${next.slug}`} legacyBehavior passHref>
              <EuiButtonEmpty size="s" iconType="chevronSingleRight" iconSide="right" data-testid="presenter-next">
                {t('next')}: {next.number}. {next.title}
              </EuiButtonEmpty>
            </Link>
          </EuiFlexItem>
        )}
      </EuiFlexGroup>
      <EuiText size="xs" color="subdued">
        <p data-testid="presenter-keys">{t('keys')}</p>
      </EuiText>
      {error && (
        <EuiCallOut color="danger" size="s" iconType="error" title={t('countsFailed')}>
          <p>{error.message}</p>
        </EuiCallOut>
      )}
      <EuiSpacer size="l" />
      <PresenterContext.Provider value={value}>
        <div className="guide-presenter-body">{children}</div>
      </PresenterContext.Provider>
    </div>
  );
}
