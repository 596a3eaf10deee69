'use client';

import {
  EuiBadge,
  EuiButton,
  EuiButtonEmpty,
  EuiCallOut,
  EuiFieldSearch,
  EuiFlexGroup,
  EuiFlexItem,
  EuiFormRow,
  EuiPageTemplate,
  EuiPagination,
  EuiPanel,
  EuiSelect,
  EuiSkeletonText,
  EuiSpacer,
  EuiStat,
  EuiText,
} from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useMemo, useState } from 'react';
import useSWR from 'swr';
import { chapters } from '@/content/chapters';
import { Link } from '@/i18n/navigation';
import { BOARD_SORTS, orderAttendees, type BoardSort } from '@/lib/board/board-order';
import { joinUrl } from '@/lib/board/join-link';
import type { ProgressDto } from '@/lib/board/progress-view';
import { localeFetcher, type ApiError } from '@/lib/client/api';
import { useTimeFormat } from '@/lib/client/time';
import type { WorkshopDto } from '@/lib/workshops';
import { AttendeeFlyout } from './attendee-flyout';
import { BoardGrid } from './board-grid';
import './icons';
import { JoinPanel } from './join-panel';
import { StuckSummary } from './stuck-summary';

export interface ClassBoardProps {
  workshop: WorkshopDto;
  /** The guide's public address, for the join link (the code may be edited while the board is open). */
  origin: string;
}

const PAGE_SIZE = 50;

/**
 * How often the board asks for the class's progress. Polling (SWR) rather than server-sent events:
 * the progress is read from the database in a few queries whatever the class size, one board per
 * instructor is a negligible load, and polling works unchanged through proxies and across several
 * app instances (an event stream would need a fan-out between instances, since checkpoints are
 * recorded by whichever instance the attendee or the background verifier happened to use).
 */
export const BOARD_REFRESH_MS = 3_000;

/** The instructor's projected board: join code, who is stuck and why, and the attendees x checkpoints grid, live. */
export function ClassBoard({ workshop: initial, origin }: ClassBoardProps) {
  const t = useTranslations('board');
  const locale = useLocale();
  const time = useTimeFormat();
  const key = `/api/workshops/${initial.id}/progress`;
  const { data, error, mutate } = useSWR<ProgressDto, ApiError>(key, localeFetcher(locale), { refreshInterval: BOARD_REFRESH_MS, keepPreviousData: true });
  const [sort, setSort] = useState<BoardSort>('stuck');
  const [chapter, setChapter] = useState<number | 'all'>('all');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);

  const workshop = data?.workshop ?? initial;
  const allCheckpoints = useMemo(() => data?.checkpoints ?? [], [data?.checkpoints]);
  const shown = useMemo(() => (chapter === 'all' ? allCheckpoints : allCheckpoints.filter((c) => c.chapter === chapter)), [allCheckpoints, chapter]);
  const rows = useMemo(() => orderAttendees(data?.attendees ?? [], shown, sort, query, locale), [data?.attendees, shown, sort, query, locale]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const visible = rows.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  const attendees = data?.attendees ?? [];
  const connected = attendees.filter((attendee) => attendee.connection).length;
  const stuck = attendees.filter((attendee) => attendee.stuck).length;
  const doneTotal = attendees.reduce((sum, attendee) => sum + attendee.done, 0);
  const presentChapter = chapter === 'all' ? (mostCommonChapter(attendees.map((a) => a.currentChapter)) ?? 1) : chapter;
  const presentSlug = chapters.find((c) => c.number === presentChapter)?.slug ?? 'cluster';

  return (
    <>
      <EuiPageTemplate.Header
        pageTitle={`${t('title')}: ${workshop.name}`}
        description={workshop.date ?? undefined}
        rightSideItems={[
          <Link key="present" href={`/instructor/${workshop.id}/present/${presentSlug}`} legacyBehavior passHref>
            <EuiButton iconType="presentation" fill data-testid="board-present">
              {t('toolbar.presentChapter', { number: presentChapter })}
            </EuiButton>
          </Link>,
          <EuiButton key="export" iconType="download" href={`${key}?format=csv`} download data-testid="board-export">
            {t('toolbar.export')}
          </EuiButton>,
          <Link key="back" href="/instructor" legacyBehavior passHref>
            <EuiButtonEmpty iconType="chevronSingleLeft">{t('back')}</EuiButtonEmpty>
          </Link>,
        ]}
      >
        {workshop.status === 'closed' && <EuiBadge color="default">{t('closedBadge')}</EuiBadge>}
      </EuiPageTemplate.Header>
      <EuiPageTemplate.Section>
        <JoinPanel workshopId={workshop.id} code={workshop.code} url={joinUrl(origin, locale, workshop.code)} locale={locale} />
        <EuiSpacer size="l" />
        {error && (
          <>
            <EuiCallOut color="danger" iconType="error" size="s" title={t('refreshFailed')} data-testid="board-error">
              <p>{error.message}</p>
            </EuiCallOut>
            <EuiSpacer size="m" />
          </>
        )}
        {!data ? (
          <EuiSkeletonText lines={6} />
        ) : (
          <>
            <EuiFlexGroup gutterSize="l" wrap responsive={false}>
              <EuiFlexItem grow={false}>
                <EuiStat title={String(attendees.length)} description={t('summary.attendees')} titleSize="m" data-testid="board-count-attendees" />
              </EuiFlexItem>
              <EuiFlexItem grow={false}>
                <EuiStat title={String(connected)} description={t('summary.connected')} titleSize="m" />
              </EuiFlexItem>
              <EuiFlexItem grow={false}>
                <EuiStat title={String(stuck)} description={t('summary.stuck')} titleSize="m" titleColor={stuck > 0 ? 'warning' : 'default'} />
              </EuiFlexItem>
              <EuiFlexItem grow={false}>
                <EuiStat title={String(doneTotal)} description={t('summary.done')} titleSize="m" />
              </EuiFlexItem>
              <EuiFlexItem>
                <EuiText size="xs" color="subdued" textAlign="right">
                  <p data-testid="board-updated">{t('live', { time: time.format(data.generatedAt, 'medium') })}</p>
                </EuiText>
              </EuiFlexItem>
            </EuiFlexGroup>
            <EuiSpacer size="m" />
            <StuckSummary groups={data.stuck.groups} attendees={attendees} minutes={data.stuck.minutes} onSelect={setSelected} />
            <EuiSpacer size="m" />
            <EuiPanel hasBorder paddingSize="m">
              <EuiFlexGroup gutterSize="m" wrap alignItems="flexEnd">
                <EuiFlexItem grow={2}>
                  <EuiFormRow label={t('toolbar.search')}>
                    <EuiFieldSearch value={query} onChange={(e) => { setQuery(e.target.value); setPage(0); }} fullWidth data-testid="board-search" />
                  </EuiFormRow>
                </EuiFlexItem>
                <EuiFlexItem grow={1}>
                  <EuiFormRow label={t('toolbar.sort')}>
                    <EuiSelect
                      value={sort}
                      onChange={(e) => setSort(e.target.value as BoardSort)}
                      options={BOARD_SORTS.map((value) => ({ value, text: t(`toolbar.sorts.${value}`) }))}
                      data-testid="board-sort"
                    />
                  </EuiFormRow>
                </EuiFlexItem>
                <EuiFlexItem grow={1}>
                  <EuiFormRow label={t('toolbar.chapter')}>
                    <EuiSelect
                      value={String(chapter)}
                      onChange={(e) => { setChapter(e.target.value === 'all' ? 'all' : Number(e.target.value)); setPage(0); }}
                      options={[{ value: 'all', text: t('toolbar.allChapters') }, ...chapters.map((c) => ({ value: String(c.number), text: t('toolbar.chapterN', { number: c.number }) }))]}
                      data-testid="board-chapter"
                    />
                  </EuiFormRow>
                </EuiFlexItem>
              </EuiFlexGroup>
              <EuiSpacer size="m" />
              {attendees.length === 0 ? (
                <EuiText color="subdued" textAlign="center" data-testid="board-empty">
                  <p>{t('grid.empty')}</p>
                </EuiText>
              ) : rows.length === 0 ? (
                <EuiText color="subdued" textAlign="center">
                  <p>{t('grid.noMatch')}</p>
                </EuiText>
              ) : (
                <BoardGrid attendees={visible} checkpoints={shown} stuckMinutes={data.stuck.minutes} onSelect={setSelected} />
              )}
              {pages > 1 && (
                <>
                  <EuiSpacer size="m" />
                  <EuiFlexGroup justifyContent="center">
                    <EuiPagination pageCount={pages} activePage={current} onPageClick={setPage} aria-label={t('grid.page', { page: current + 1, pages })} />
                  </EuiFlexGroup>
                </>
              )}
            </EuiPanel>
          </>
        )}
      </EuiPageTemplate.Section>
      {selected && data && (
        <AttendeeFlyout
          workshopId={workshop.id}
          attendeeId={selected}
          checkpoints={allCheckpoints}
          stuckMinutes={data.stuck.minutes}
          onClose={() => setSelected(null)}
          onChanged={() => void mutate()}
        />
      )}
    </>
  );
}

/** Where most of the class is: presenter mode opens that chapter. */
function mostCommonChapter(chaptersNow: number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const n of chaptersNow) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
}
