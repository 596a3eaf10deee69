'use client';

import {
  EuiButton,
  EuiCallOut,
  EuiFieldPassword,
  EuiFieldText,
  EuiForm,
  EuiFormRow,
  EuiPageTemplate,
  EuiSpacer,
  EuiTab,
  EuiTabs,
  EuiText,
} from '@elastic/eui';
import { signIn } from 'next-auth/react';
import { useTranslations } from 'next-intl';
import { useState, type FormEvent } from 'react';
import { parseSignInError, type SignInError } from '@/lib/auth/sign-in-errors';
import { useHydrated } from '@/lib/client/hydrated';

type Mode = 'attendee' | 'self-paced' | 'instructor';

export interface JoinFormProps {
  providers: { instructor: boolean; github: boolean; google: boolean };
  callbackUrl: string;
  /** Where the instructor goes after signing in (their workshops). */
  instructorCallbackUrl: string;
  initialCode: string;
  initialMode?: Mode;
}


export function JoinForm({ providers, callbackUrl, instructorCallbackUrl, initialCode, initialMode = 'attendee' }: JoinFormProps) {
  const t = useTranslations('join');
  const [mode, setMode] = useState<Mode>(initialMode);
  const [code, setCode] = useState(initialCode);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  // Inert until React runs it (see useHydrated): nothing typed or clicked before then is lost.
  const hydrated = useHydrated();
  const [error, setError] = useState<{ code: SignInError | 'unknown'; value?: string } | null>(null);
  // An empty field is marked only after a submit (no native `required`, which paints empty fields
  // red before anyone has typed); typing in it clears the mark.
  const [missing, setMissing] = useState<'code' | 'name' | 'password' | null>(null);
  const rowState = (field: 'code' | 'name' | 'password') => ({ isInvalid: missing === field, error: missing === field ? t(`required.${field}`) : undefined });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const needed = mode === 'attendee' ? ({ code, name } as const) : mode === 'self-paced' ? ({ name } as const) : ({ password } as const);
    const empty = (Object.entries(needed) as ['code' | 'name' | 'password', string][]).find(([, value]) => value.trim() === '');
    if (empty) {
      setMissing(empty[0]);
      return;
    }
    setBusy(true);
    setError(null);
    const fields = mode === 'attendee' ? { code, name } : mode === 'self-paced' ? { name } : { password };
    const result = await signIn(mode, { ...fields, redirect: false });
    if (!result || result.error) {
      setBusy(false);
      setError(parseSignInError(result?.error) ?? { code: 'unknown' });
      return;
    }
    // A full navigation, so the server layout renders with the new session.
    window.location.assign(mode === 'instructor' ? instructorCallbackUrl : callbackUrl);
  }

  const tabs: { id: Mode; label: string }[] = [
    { id: 'attendee', label: t('tabs.attendee') },
    { id: 'self-paced', label: t('tabs.selfPaced') },
    ...(providers.instructor ? [{ id: 'instructor' as const, label: t('tabs.instructor') }] : []),
  ];

  return (
    <EuiPageTemplate.Section restrictWidth={560} data-testid="join-page">
      <EuiText>
        <h1>{t('title')}</h1>
        <p>{t('lead')}</p>
      </EuiText>
      <EuiSpacer size="m" />
      <EuiTabs>
        {tabs.map((tab) => (
          <EuiTab key={tab.id} isSelected={mode === tab.id} disabled={!hydrated} onClick={() => { setMode(tab.id); setError(null); setMissing(null); }} data-testid={`join-tab-${tab.id}`}>
            {tab.label}
          </EuiTab>
        ))}
      </EuiTabs>
      <EuiSpacer size="m" />
      <EuiForm component="form" onSubmit={submit} data-testid={`join-form-${mode}`} noValidate>
        {mode === 'attendee' && (
          <EuiFormRow label={t('code')} helpText={t('codeHelp')} {...rowState('code')}>
            <EuiFieldText
              value={code}
              onChange={(e) => {
                setCode(e.target.value.toUpperCase());
                if (missing === 'code') setMissing(null);
              }}
              data-testid="join-code"
              autoComplete="off"
              autoCapitalize="characters"
              readOnly={!hydrated}
              aria-required
              isInvalid={missing === 'code'}
            />
          </EuiFormRow>
        )}
        {mode !== 'instructor' && (
          <EuiFormRow label={t('name')} helpText={t('nameHelp')} {...rowState('name')}>
            <EuiFieldText
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                if (missing === 'name') setMissing(null);
              }}
              data-testid="join-name"
              autoComplete="nickname"
              readOnly={!hydrated}
              maxLength={40}
              aria-required
              isInvalid={missing === 'name'}
            />
          </EuiFormRow>
        )}
        {mode === 'instructor' && (
          <EuiFormRow label={t('password')} {...rowState('password')}>
            <EuiFieldPassword
              type="dual"
              value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                if (missing === 'password') setMissing(null);
              }}
              data-testid="join-password"
              autoComplete="current-password"
              readOnly={!hydrated}
              aria-required
              isInvalid={missing === 'password'}
            />
          </EuiFormRow>
        )}
        {error && (
          <>
            <EuiCallOut title={t('failed')} color="danger" iconType="error" size="s" data-testid="join-error" data-code={error.code} role="alert">
              <p>{t(`errors.${error.code}`, { value: error.value ?? '' })}</p>
            </EuiCallOut>
            <EuiSpacer size="s" />
          </>
        )}
        <EuiButton type="submit" fill isLoading={busy} isDisabled={!hydrated} data-testid="join-submit">
          {mode === 'attendee' ? t('submitJoin') : mode === 'self-paced' ? t('submitSelfPaced') : t('submitInstructor')}
        </EuiButton>
      </EuiForm>
      {(providers.github || providers.google) && (
        <>
          <EuiSpacer size="l" />
          {providers.github && (
            <EuiButton onClick={() => void signIn('github', { callbackUrl })} iconType="logoGithub">
              {t('oauth', { provider: 'GitHub' })}
            </EuiButton>
          )}{' '}
          {providers.google && (
            <EuiButton onClick={() => void signIn('google', { callbackUrl })} iconType="logoGoogleG">
              {t('oauth', { provider: 'Google' })}
            </EuiButton>
          )}
        </>
      )}
    </EuiPageTemplate.Section>
  );
}
