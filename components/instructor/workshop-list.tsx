'use client';

import {
  EuiBadge,
  EuiButton,
  EuiButtonEmpty,
  EuiCallOut,
  EuiConfirmModal,
  EuiFlexGroup,
  EuiFlexItem,
  EuiModal,
  EuiModalBody,
  EuiModalHeader,
  EuiModalHeaderTitle,
  EuiPageTemplate,
  EuiPanel,
  EuiSkeletonText,
  EuiSpacer,
  EuiTable,
  EuiTableBody,
  EuiTableHeader,
  EuiTableHeaderCell,
  EuiTableRow,
  EuiTableRowCell,
  EuiTitle,
} from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useState } from 'react';
import useSWR from 'swr';
import { Link } from '@/i18n/navigation';
import { apiSend, localeFetcher, type ApiError } from '@/lib/client/api';
import type { WorkshopDto } from '@/lib/workshops';
import './icons';
import { WorkshopForm, workshopBody } from './workshop-form';

const WORKSHOPS_KEY = '/api/workshops';

/** The instructor's home: their workshops (newest first), a form to create one, edit and close. */
export function WorkshopList() {
  const t = useTranslations('instructor');
  const locale = useLocale();
  const { data, error, mutate } = useSWR<WorkshopDto[], ApiError>(WORKSHOPS_KEY, localeFetcher(locale), { refreshInterval: 15_000 });
  const [created, setCreated] = useState<WorkshopDto | null>(null);
  const [editing, setEditing] = useState<WorkshopDto | null>(null);
  const [closing, setClosing] = useState<WorkshopDto | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  async function setStatus(workshop: WorkshopDto, status: 'open' | 'closed') {
    setActionError(null);
    try {
      await apiSend('PATCH', `/api/workshops/${workshop.id}`, locale, { status });
      await mutate();
    } catch (caught) {
      setActionError((caught as ApiError).message);
    }
  }

  return (
    <>
      <EuiPageTemplate.Header pageTitle={t('title')} description={t('lead')} />
      <EuiPageTemplate.Section>
        <EuiPanel hasBorder paddingSize="l">
          <EuiTitle size="s">
            <h2>{t('createTitle')}</h2>
          </EuiTitle>
          <EuiSpacer size="m" />
          <WorkshopForm
            testId="workshop-create"
            submitLabel={t('create')}
            onSubmit={async (values) => {
              const workshop = await apiSend<WorkshopDto>('POST', WORKSHOPS_KEY, locale, workshopBody(values, false));
              setCreated(workshop);
              await mutate();
            }}
            key={created?.id ?? 'new'}
          />
          {created && (
            <>
              <EuiSpacer size="m" />
              <EuiCallOut color="success" iconType="check" title={t('created', { code: created.code })} data-testid="workshop-created" data-code={created.code}>
                <Link href={`/instructor/${created.id}`} legacyBehavior passHref>
                  <EuiButton size="s" fill data-testid="workshop-created-open">
                    {t('openBoard')}
                  </EuiButton>
                </Link>
              </EuiCallOut>
            </>
          )}
        </EuiPanel>
        <EuiSpacer size="l" />
        {error && (
          <EuiCallOut color="danger" iconType="error" title={t('loadFailed')}>
            <p>{error.message}</p>
          </EuiCallOut>
        )}
        {actionError && (
          <EuiCallOut color="danger" iconType="error" title={t('saveFailed')} role="alert">
            <p>{actionError}</p>
          </EuiCallOut>
        )}
        {/* EUI's table primitives, not EuiBasicTable: its value formatting pulls moment.js into every page's bundle. */}
        <EuiTable data-testid="workshop-table" aria-label={t('title')}>
          <EuiTableHeader>
            <EuiTableHeaderCell>{t('columns.name')}</EuiTableHeaderCell>
            <EuiTableHeaderCell>{t('columns.date')}</EuiTableHeaderCell>
            <EuiTableHeaderCell>{t('columns.code')}</EuiTableHeaderCell>
            <EuiTableHeaderCell>{t('columns.status')}</EuiTableHeaderCell>
            <EuiTableHeaderCell>{t('columns.attendees')}</EuiTableHeaderCell>
            <EuiTableHeaderCell>{t('columns.actions')}</EuiTableHeaderCell>
          </EuiTableHeader>
          <EuiTableBody>
            {!data && !error && (
              <EuiTableRow>
                <EuiTableRowCell colSpan={6}>
                  <EuiSkeletonText lines={2} />
                </EuiTableRowCell>
              </EuiTableRow>
            )}
            {data?.length === 0 && (
              <EuiTableRow>
                <EuiTableRowCell colSpan={6} data-testid="workshops-empty">
                  {t('empty')}
                </EuiTableRowCell>
              </EuiTableRow>
            )}
            {data?.map((workshop) => (
              <EuiTableRow key={workshop.id} data-testid={`workshop-row-${workshop.code}`}>
                <EuiTableRowCell mobileOptions={{ header: t('columns.name') }}>
                  <Link href={`/instructor/${workshop.id}`} data-testid={`workshop-link-${workshop.code}`}>
                    {workshop.name}
                  </Link>
                </EuiTableRowCell>
                <EuiTableRowCell mobileOptions={{ header: t('columns.date') }}>{workshop.date ?? '—'}</EuiTableRowCell>
                <EuiTableRowCell mobileOptions={{ header: t('columns.code') }}>
                  <code>{workshop.code}</code>
                </EuiTableRowCell>
                <EuiTableRowCell mobileOptions={{ header: t('columns.status') }}>
                  <EuiBadge color={workshop.status === 'open' ? 'success' : 'default'}>{t(`status.${workshop.status}`)}</EuiBadge>
                </EuiTableRowCell>
                <EuiTableRowCell mobileOptions={{ header: t('columns.attendees') }}>{t('attendees', { count: workshop.attendees ?? 0 })}</EuiTableRowCell>
                <EuiTableRowCell mobileOptions={{ header: t('columns.actions') }}>
                  <EuiFlexGroup gutterSize="xs" responsive={false} wrap>
                    <EuiFlexItem grow={false}>
                      <EuiButtonEmpty size="xs" iconType="pencil" onClick={() => setEditing(workshop)} data-testid={`workshop-edit-${workshop.code}`}>
                        {t('edit')}
                      </EuiButtonEmpty>
                    </EuiFlexItem>
                    <EuiFlexItem grow={false}>
                      {workshop.status === 'open' ? (
                        <EuiButtonEmpty size="xs" color="danger" onClick={() => setClosing(workshop)} data-testid={`workshop-close-${workshop.code}`}>
                          {t('close')}
                        </EuiButtonEmpty>
                      ) : (
                        <EuiButtonEmpty size="xs" onClick={() => void setStatus(workshop, 'open')} data-testid={`workshop-reopen-${workshop.code}`}>
                          {t('reopen')}
                        </EuiButtonEmpty>
                      )}
                    </EuiFlexItem>
                  </EuiFlexGroup>
                </EuiTableRowCell>
              </EuiTableRow>
            ))}
          </EuiTableBody>
        </EuiTable>
      </EuiPageTemplate.Section>
      {editing && (
        <EuiModal onClose={() => setEditing(null)} aria-labelledby="workshop-edit-title">
          <EuiModalHeader>
            <EuiModalHeaderTitle id="workshop-edit-title">{t('editTitle')}</EuiModalHeaderTitle>
          </EuiModalHeader>
          <EuiModalBody>
            <WorkshopForm
              testId="workshop-edit"
              submitLabel={t('save')}
              initial={{ name: editing.name, date: editing.date ?? '', code: editing.code, clusterMode: editing.clusterMode }}
              onCancel={() => setEditing(null)}
              onSubmit={async (values) => {
                await apiSend('PATCH', `/api/workshops/${editing.id}`, locale, workshopBody(values, true));
                setEditing(null);
                await mutate();
              }}
            />
            <EuiSpacer size="m" />
          </EuiModalBody>
        </EuiModal>
      )}
      {closing && (
        <EuiConfirmModal
          title={t('closeTitle', { name: closing.name })}
          onCancel={() => setClosing(null)}
          onConfirm={() => {
            const workshop = closing;
            setClosing(null);
            void setStatus(workshop, 'closed');
          }}
          cancelButtonText={t('cancel')}
          confirmButtonText={t('close')}
          buttonColor="danger"
          data-testid="workshop-close-confirm"
        >
          <p>{t('closeBody')}</p>
        </EuiConfirmModal>
      )}
    </>
  );
}
