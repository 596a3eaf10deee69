'use client';

import { EuiButton, EuiButtonEmpty, EuiCallOut, EuiFieldText, EuiFlexGroup, EuiFlexItem, EuiFormRow, EuiPanel, EuiSpacer, EuiText, EuiTextArea, EuiTitle } from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { useParticipant } from '@/components/providers/participant';
import { ApiError } from '@/lib/client/api';
import { useCluster } from '@/lib/client/use-cluster';
import { buildSshWatch, SSH_EMAIL_PLACEHOLDER, SSH_WATCH_ID, SSH_WATCH_NAME } from '@/lib/watches/ssh-watch';
import { useAlertEmail } from './use-alert-email';

function chapterWatch(email: string, version: string): string {
  return JSON.stringify(buildSshWatch({ email: email || SSH_EMAIL_PLACEHOLDER, version }), null, 2);
}

/** The editor's text goes to the server as typed, so a syntax error is reported at its own line. */
async function putWatch(id: string, name: string, text: string, locale: string): Promise<{ id: string; created: boolean }> {
  const response = await fetch(`/api/watches/${encodeURIComponent(id)}?name=${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'accept-language': locale, accept: 'application/json' },
    body: text,
    cache: 'no-store',
  });
  const body = (await response.json().catch(() => null)) as { id: string; created: boolean; error?: { code: string; message: string; hint: string; params?: Record<string, string | number | boolean> } } | null;
  if (!response.ok) throw new ApiError(response.status, body?.error?.code ?? 'internal', body?.error?.message ?? response.statusText, body?.error?.hint ?? '', body?.error?.params ?? {});
  return body as { id: string; created: boolean };
}

/**
 * Step 23's advanced watch: the chapter's corrected SSH watch for the attendee's email and cluster
 * version, in a plain editor (paste your own or accept it), saved to their cluster with the editor's
 * line of any problem.
 */
export default function SshWatchEditor() {
  const t = useTranslations('sshWatchEditor');
  const locale = useLocale();
  const participant = useParticipant();
  const cluster = useCluster(participant !== null);
  const version = cluster.data?.status?.version ?? '8.0.0';
  const [email, setEmail] = useAlertEmail();
  const [id, setId] = useState(SSH_WATCH_ID);
  const [name, setName] = useState(SSH_WATCH_NAME);
  const [text, setText] = useState(() => chapterWatch(email, version));
  const edited = useRef(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  // Until the attendee edits it, the editor follows their email and their cluster's version.
  useEffect(() => {
    if (!edited.current) setText(chapterWatch(email, version));
  }, [email, version]);

  const placeholderLeft = text.includes(SSH_EMAIL_PLACEHOLDER);
  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const answer = await putWatch(id.trim(), name.trim(), text, locale);
      setSaved(answer.id);
    } catch (caught) {
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const line = error?.params.line;
  return (
    <EuiPanel hasBorder paddingSize="m" data-testid="ssh-watch-editor" data-version={version}>
      <EuiTitle size="xs">
        <h4>{t('title')}</h4>
      </EuiTitle>
      <EuiText size="xs" color="subdued">
        <p>{t('lead', { version })}</p>
      </EuiText>
      <EuiSpacer size="s" />
      <EuiFormRow label={t('email')} fullWidth>
        <EuiFieldText compressed fullWidth type="email" value={email} placeholder="you@example.com" onChange={(e) => setEmail(e.target.value)} data-testid="ssh-watch-email" />
      </EuiFormRow>
      <EuiFlexGroup gutterSize="s" responsive={false}>
        <EuiFlexItem>
          <EuiFormRow label={t('id')}>
            <EuiFieldText compressed value={id} onChange={(e) => setId(e.target.value)} data-testid="ssh-watch-id" />
          </EuiFormRow>
        </EuiFlexItem>
        <EuiFlexItem>
          <EuiFormRow label={t('name')}>
            <EuiFieldText compressed value={name} onChange={(e) => setName(e.target.value)} data-testid="ssh-watch-name" />
          </EuiFormRow>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiFormRow label={t('json')} fullWidth isInvalid={error?.code === 'invalid_watch'} error={line !== undefined ? t('line', { line: String(line) }) : undefined}>
        <EuiTextArea
          fullWidth
          rows={18}
          spellCheck={false}
          value={text}
          onChange={(e) => {
            edited.current = true;
            setText(e.target.value);
          }}
          style={{ fontFamily: 'monospace', fontSize: 12 }}
          data-testid="ssh-watch-json"
        />
      </EuiFormRow>
      <EuiFlexGroup gutterSize="s" alignItems="center" responsive={false} wrap>
        <EuiFlexItem grow={false}>
          <EuiButton size="s" fill onClick={save} isLoading={busy} isDisabled={participant === null || placeholderLeft || id.trim() === ''} data-testid="ssh-watch-save">
            {busy ? t('saving') : t('save')}
          </EuiButton>
        </EuiFlexItem>
        <EuiFlexItem grow={false}>
          <EuiButtonEmpty
            size="s"
            onClick={() => {
              edited.current = false;
              setText(chapterWatch(email, version));
              setError(null);
            }}
            data-testid="ssh-watch-reset"
          >
            {t('reset')}
          </EuiButtonEmpty>
        </EuiFlexItem>
      </EuiFlexGroup>
      {placeholderLeft && (
        <EuiText size="xs" color="subdued">
          <p>{t('placeholderLeft')}</p>
        </EuiText>
      )}
      {saved && (
        <>
          <EuiSpacer size="s" />
          <EuiCallOut size="s" color="success" iconType="check" title={t('saved', { id: saved })} data-testid="ssh-watch-saved" />
        </>
      )}
      {error && (
        <>
          <EuiSpacer size="s" />
          <EuiCallOut size="s" color="danger" iconType="error" title={t('failed')} data-testid="ssh-watch-error" data-code={error.code} data-line={line ?? ''}>
            <p>{error.message}</p>
            {error.hint && <p>{error.hint}</p>}
          </EuiCallOut>
        </>
      )}
    </EuiPanel>
  );
}
