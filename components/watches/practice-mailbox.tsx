'use client';

import { EuiCallOut, EuiPanel, EuiSkeletonText, EuiSpacer, EuiText, EuiTitle } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import { useParticipant } from '@/components/providers/participant';
import { useTimeFormat } from '@/lib/client/time';
import { useCluster } from '@/lib/client/use-cluster';
import { useLiveRead } from '@/lib/client/use-panel';
import './watches.css';

interface Mail {
  watch_id: string;
  action_id: string;
  to: string[];
  subject: string;
  body: string;
  sent_at: string;
}

/** `GET /api/practice/outbox` (DESIGN.md), every 5 s like the panels, on the page's channel. */
export const OUTBOX_URL = '/api/practice/outbox';

/**
 * The practice mailbox: the mail the participant's practice watches "sent" (to, subject, the
 * rendered body, when), so the handout's "you will receive alert emails" can be seen. Shown only
 * with a practice cluster; a real one mails the attendee's inbox.
 */
export default function PracticeMailbox() {
  const t = useTranslations('practiceMailbox');
  const time = useTimeFormat();
  const participant = useParticipant();
  const cluster = useCluster(participant !== null);
  const practice = cluster.data?.connection?.kind === 'practice';
  const { data, error } = useLiveRead<{ emails: Mail[] }>(practice ? OUTBOX_URL : null, { refreshMs: 5_000 });
  if (!practice) return null;

  return (
    <EuiPanel hasBorder paddingSize="m" data-testid="practice-mailbox" data-count={data?.emails.length ?? 0} className="guide-mailbox-panel">
      <EuiTitle size="xs">
        <h4>{t('title')}</h4>
      </EuiTitle>
      <EuiText size="xs" color="subdued">
        <p>{t('lead')}</p>
      </EuiText>
      <EuiSpacer size="s" />
      {error && !data ? (
        <EuiCallOut size="s" color="danger" iconType="error" title={t('failed')} data-code={error.code}>
          <p>{error.message}</p>
        </EuiCallOut>
      ) : !data ? (
        <EuiSkeletonText lines={3} />
      ) : data.emails.length === 0 ? (
        <EuiText size="s" color="subdued">
          <p data-testid="practice-mailbox-empty">{t('empty')}</p>
        </EuiText>
      ) : (
        <ol className="guide-mailbox">
          {data.emails.map((mail, i) => (
            <li key={`${mail.sent_at}-${mail.watch_id}-${mail.action_id}-${i}`} data-testid="mail-item" data-watch-id={mail.watch_id}>
              <EuiText size="xs">
                <p>
                  <strong data-testid="mail-subject">{mail.subject}</strong>
                  <br />
                  {t('to')}: {mail.to.join(', ')} · <time dateTime={mail.sent_at}>{time.ready ? t('sentAt', { time: time.format(mail.sent_at, 'dateTime') }) : ''}</time>
                  <br />
                  <span className="guide-mailbox__from">{t('from', { watch: mail.watch_id, action: mail.action_id })}</span>
                </p>
                {mail.body.trim() === '' ? (
                  <span className="guide-mailbox__from">{t('noBody')}</span>
                ) : (
                  <pre className="guide-mailbox__body" data-testid="mail-body">
                    {mail.body}
                  </pre>
                )}
              </EuiText>
            </li>
          ))}
        </ol>
      )}
    </EuiPanel>
  );
}
