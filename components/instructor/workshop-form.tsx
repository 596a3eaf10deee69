'use client';

import { EuiButton, EuiButtonEmpty, EuiCallOut, EuiFieldText, EuiFlexGroup, EuiFlexItem, EuiForm, EuiFormRow, EuiSelect, EuiSpacer } from '@elastic/eui';
import { useTranslations } from 'next-intl';
import { useState, type FormEvent } from 'react';
import type { ApiError } from '@/lib/client/api';

export interface WorkshopFormValues {
  name: string;
  date: string;
  code: string;
  clusterMode: 'cloud' | 'practice';
}

export interface WorkshopFormProps {
  initial?: Partial<WorkshopFormValues>;
  submitLabel: string;
  /** Shown beside the submit button when given (the edit modal). */
  onCancel?: () => void;
  onSubmit: (values: WorkshopFormValues) => Promise<void>;
  testId: string;
}

/** Spaces and dashes are dropped, as the server does; what remains must be 4-12 letters and digits. */
const CODE = /^[A-Za-z0-9]{4,12}$/;

export function WorkshopForm({ initial, submitLabel, onCancel, onSubmit, testId }: WorkshopFormProps) {
  const t = useTranslations('instructor');
  const [values, setValues] = useState<WorkshopFormValues>({ name: '', date: '', code: '', clusterMode: 'practice', ...initial });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = <K extends keyof WorkshopFormValues>(key: K, value: WorkshopFormValues[K]) => setValues((current) => ({ ...current, [key]: value }));

  const codeTyped = values.code.replace(/[\s-]+/g, '');
  const nameInvalid = values.name.trim().length > 120;
  const codeInvalid = codeTyped !== '' && !CODE.test(codeTyped);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!values.name.trim()) return setError(t('errors.nameRequired'));
    if (nameInvalid || codeInvalid) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit(values);
    } catch (caught) {
      const apiError = caught as ApiError;
      // A code in use gets the form's own wording; anything else (a name with control characters,
      // a date that does not exist) the server's message, which names the field and the reason.
      const codeTaken = apiError.code === 'invalid_request' && apiError.params.field === 'code' && apiError.params.reason === 'taken';
      setError(codeTaken ? t('errors.codeTaken') : apiError.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <EuiForm component="form" onSubmit={submit} data-testid={testId} noValidate>
      <EuiFormRow label={t('name')} isInvalid={nameInvalid} error={nameInvalid ? t('errors.nameRequired') : undefined}>
        <EuiFieldText
          value={values.name}
          onChange={(e) => set('name', e.target.value)}
          placeholder={t('namePlaceholder')}
          maxLength={120}
          aria-required
          data-testid="workshop-name"
        />
      </EuiFormRow>
      <EuiFlexGroup gutterSize="m" wrap>
        <EuiFlexItem>
          <EuiFormRow label={t('date')}>
            <EuiFieldText type="date" value={values.date} onChange={(e) => set('date', e.target.value)} data-testid="workshop-date" />
          </EuiFormRow>
        </EuiFlexItem>
        <EuiFlexItem>
          <EuiFormRow label={t('code')} helpText={t('codeHelp')} isInvalid={codeInvalid} error={codeInvalid ? t('errors.codeFormat') : undefined}>
            <EuiFieldText
              value={values.code}
              onChange={(e) => set('code', e.target.value.toUpperCase())}
              isInvalid={codeInvalid}
              autoComplete="off"
              data-testid="workshop-code"
            />
          </EuiFormRow>
        </EuiFlexItem>
      </EuiFlexGroup>
      <EuiFormRow label={t('clusterMode')}>
        <EuiSelect
          value={values.clusterMode}
          onChange={(e) => set('clusterMode', e.target.value as WorkshopFormValues['clusterMode'])}
          options={[
            { value: 'practice', text: t('clusterModes.practice') },
            { value: 'cloud', text: t('clusterModes.cloud') },
          ]}
          data-testid="workshop-cluster-mode"
        />
      </EuiFormRow>
      {error && (
        <>
          <EuiSpacer size="s" />
          <EuiCallOut title={t('saveFailed')} color="danger" iconType="error" size="s" role="alert" data-testid="workshop-form-error">
            <p>{error}</p>
          </EuiCallOut>
        </>
      )}
      <EuiSpacer size="m" />
      <EuiFlexGroup gutterSize="s" responsive={false}>
        <EuiFlexItem grow={false}>
          <EuiButton type="submit" fill isLoading={busy} data-testid={`${testId}-submit`}>
            {submitLabel}
          </EuiButton>
        </EuiFlexItem>
        {onCancel && (
          <EuiFlexItem grow={false}>
            <EuiButtonEmpty onClick={onCancel}>{t('cancel')}</EuiButtonEmpty>
          </EuiFlexItem>
        )}
      </EuiFlexGroup>
    </EuiForm>
  );
}

/** The request body: empty optional fields are left out (or cleared, for the date on edit). */
export function workshopBody(values: WorkshopFormValues, editing: boolean) {
  const code = values.code.replace(/[\s-]+/g, '');
  return {
    name: values.name.trim(),
    ...(values.date ? { date: values.date } : editing ? { date: null } : {}),
    ...(code ? { code } : {}),
    clusterMode: values.clusterMode,
  };
}
