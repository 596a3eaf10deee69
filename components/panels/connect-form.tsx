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

  async function submit(event: FormEvent) {
    event.preventDefault();
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
      setError(caught as ApiError);
    } finally {
      setBusy(false);
    }
  }

  const invalidField = error?.code === 'invalid_cloud_id' ? 'cloudId' : error?.code === 'invalid_url' ? 'url' : error?.code === 'unauthorized' ? 'secret' : null;

  return (
    <EuiForm component="form" onSubmit={submit} data-testid="connect-form" fullWidth>
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
        <EuiFormRow label={t('cloudId')} helpText={t('cloudIdHelp')} isInvalid={invalidField === 'cloudId'}>
          <EuiFieldText value={cloudId} onChange={(e) => setCloudId(e.target.value)} data-testid="connect-cloud-id" autoComplete="off" required isInvalid={invalidField === 'cloudId'} />
        </EuiFormRow>
      ) : (
        <>
          <EuiFormRow label={t('url')} helpText={t('urlHelp')} isInvalid={invalidField === 'url'}>
            <EuiFieldText value={url} onChange={(e) => setUrl(e.target.value)} data-testid="connect-url" type="url" required isInvalid={invalidField === 'url'} />
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
          <EuiFormRow label={t('password')} isInvalid={invalidField === 'secret'}>
            <EuiFieldPassword type="dual" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="connect-password" autoComplete="current-password" required isInvalid={invalidField === 'secret'} />
          </EuiFormRow>
        </>
      ) : (
        <EuiFormRow label={t('apiKey')} helpText={t('apiKeyHelp')} isInvalid={invalidField === 'secret'}>
          <EuiFieldPassword type="dual" value={apiKey} onChange={(e) => setApiKey(e.target.value)} data-testid="connect-api-key" autoComplete="off" required isInvalid={invalidField === 'secret'} />
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
