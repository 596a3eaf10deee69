'use client';

import { ChapterError } from '@/components/guide/status-pages';

export default function ChapterErrorBoundary({ reset }: { error: Error; reset: () => void }) {
  return <ChapterError reset={reset} />;
}
