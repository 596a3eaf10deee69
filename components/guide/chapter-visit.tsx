'use client';

import { useLocale } from 'next-intl';
import { useEffect } from 'react';
import { useParticipant } from '@/components/providers/participant';
import { apiSend } from '@/lib/client/api';

/** Tells the server which chapter the participant opened (class board, chapter 3's SSH window). */
export function ChapterVisit({ chapter }: { chapter: number }) {
  const participant = useParticipant();
  const locale = useLocale();
  useEffect(() => {
    if (!participant) return;
    apiSend('POST', '/api/progress', locale, { chapter }).catch(() => undefined);
  }, [participant, chapter, locale]);
  return null;
}
