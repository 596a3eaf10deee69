'use client';

import {
  EuiButton,
  EuiButtonGroup,
  EuiCallOut,
  EuiFieldPassword,
  EuiFieldText,
  EuiForm,
  EuiFormRow,
  EuiSpacer,
  EuiText,
} from '@elastic/eui';
import { useLocale, useTranslations } from 'next-intl';
import { useState, type FormEvent } from 'react';
import { apiSend, type ApiError } from '@/lib/client/api';
import type { ClusterPanelDto } from '@/lib/panels/cluster-status.contract';

type Target = 'cloudId' | 'url';
type AuthKind = 'password' | 'apiKey';
type Field = 'cloudId' | 'url' | 'password' | 'apiKey';

export interface ConnectFormProps {
  onConnected: (panel: ClusterPanelDto) => void;
}

/** Cloud ID or URL, password or API key: posted once to `/api/cluster`, never read back. */
export function ConnectForm({ onConnected }: ConnectFormProps) {
  const t = useTranslations('cluster');
  const locale = useLocale();
  const [target, setTarget] = useState<Target>('cloudId');
  const [authKind, setAuthKind] = useState<AuthKind>('password');
  const [cloudId, setCloudId] = useState('');
  const [url, setUrl] = useState('');
  const [kibanaUrl, setKibanaUrl] = useState('');
  const [username, setUsername] = useState('elastic');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // Fields marked after a submit (left empty, or refused by the server); typing in one clears its mark.
  // No native `required`: the browser would paint empty fields red before anyone typed, and a field
  // EUI marks invalid stays natively invalid, so the next Connect would show only the browser's bubble.
  const [marked, setMarked] = useState<{ field: Field; reason: 'missing' | 'refused' } | null>(null);
  const edit = (field: Field, set: (value: string) => void) => (value: string) => {
    set(value);
    if (marked?.field === field) setMarked(null);
  };
  const fieldState = (field: Field) => ({
    isInvalid: marked?.field === field,
    error: marked?.field === field && marked.reason === 'missing' ? t(`required.${field}`) : undefined,
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const values: Record<Field, string> = { cloudId, url, password, apiKey };
    const needed: Field[] = [target, authKind];
    const missing = needed.find((field) => values[field].trim() === '');
    if (missing) {
      setMarked({ field: missing, reason: 'missing' });
      return;
    }
    setMarked(null);
    setBusy(true);
    setError(null);
    try {
      const body = {
        ...(target === 'cloudId' ? { cloudId } : { url, ...(kibanaUrl.trim() ? { kibanaUrl } : {}) }),
        ...(authKind === 'password' ? { username, password } : { apiKey }),
      };
      const panel = await apiSend<ClusterPanelDto>('POST', '/api/cluster', locale, body);
      // The secret leaves the page's memory as soon as the server has it.
      setPassword('');
      setApiKey('');
      onConnected(panel);
    } catch (caught) {
      const apiError = caught as ApiError;
      setError(apiError);
      const refused: Field | null =
        apiError.code === 'invalid_cloud_id' ? 'cloudId' : apiError.code === 'invalid_url' ? 'url' : apiError.code === 'unauthorized' ? authKind : null;
      setMarked(refused ? { field: refused, reason: 'refused' } : null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <EuiForm component="form" onSubmit={submit} data-testid="connect-form" fullWidth noValidate>
      <EuiText size="s">
        <p>{t('connectLead')}</p>
      </EuiText>
      <EuiSpacer size="s" />
      <EuiButtonGroup
        legend={t('connectTitle')}
        idSelected={target}
        onChange={(id) => setTarget(id as Target)}
        options={[
          { id: 'cloudId', label: t('target.cloudId') },
          { id: 'url', label: t('target.url') },
        ]}
        buttonSize="compressed"
      />
      <EuiSpacer size="s" />
      {target === 'cloudId' ? (
        <EuiFormRow label={t('cloudId')} helpText={t('cloudIdHelp')} {...fieldState('cloudId')}>
          <EuiFieldText value={cloudId} onChange={(e) => edit('cloudId', setCloudId)(e.target.value)} data-testid="connect-cloud-id" autoComplete="off" aria-required isInvalid={fieldState('cloudId').isInvalid} />
        </EuiFormRow>
      ) : (
        <>
          <EuiFormRow label={t('url')} helpText={t('urlHelp')} {...fieldState('url')}>
            <EuiFieldText value={url} onChange={(e) => edit('url', setUrl)(e.target.value)} data-testid="connect-url" type="url" aria-required isInvalid={fieldState('url').isInvalid} />
          </EuiFormRow>
          <EuiFormRow label={t('kibanaUrl')}>
            <EuiFieldText value={kibanaUrl} onChange={(e) => setKibanaUrl(e.target.value)} data-testid="connect-kibana-url" type="url" />
          </EuiFormRow>
        </>
      )}
      <EuiButtonGroup
        legend={t('auth.password')}
        idSelected={authKind}
        onChange={(id) => setAuthKind(id as AuthKind)}
        options={[
          { id: 'password', label: t('auth.password') },
          { id: 'apiKey', label: t('auth.apiKey') },
        ]}
        buttonSize="compressed"
      />
      <EuiSpacer size="s" />
      {authKind === 'password' ? (
        <>
          <EuiFormRow label={t('username')}>
            <EuiFieldText value={username} onChange={(e) => setUsername(e.target.value)} data-testid="connect-username" autoComplete="username" />
          </EuiFormRow>
          <EuiFormRow label={t('password')} {...fieldState('password')}>
            <EuiFieldPassword type="dual" value={password} onChange={(e) => edit('password', setPassword)(e.target.value)} data-testid="connect-password" autoComplete="current-password" aria-required isInvalid={fieldState('password').isInvalid} />
          </EuiFormRow>
        </>
      ) : (
        <EuiFormRow label={t('apiKey')} helpText={t('apiKeyHelp')} {...fieldState('apiKey')}>
          <EuiFieldPassword type="dual" value={apiKey} onChange={(e) => edit('apiKey', setApiKey)(e.target.value)} data-testid="connect-api-key" autoComplete="off" aria-required isInvalid={fieldState('apiKey').isInvalid} />
        </EuiFormRow>
      )}
      {error && (
        <>
          <EuiCallOut title={t('connectFailed')} color="danger" iconType="error" size="s" data-testid="connect-error" data-code={error.code} role="alert">
            <p>{error.message}</p>
            {error.hint && <p>{error.hint}</p>}
          </EuiCallOut>
          <EuiSpacer size="s" />
        </>
      )}
      <EuiButton type="submit" fill isLoading={busy} data-testid="connect-submit" size="s">
        {busy ? t('connecting') : t('connect')}
      </EuiButton>
    </EuiForm>
  );
}
