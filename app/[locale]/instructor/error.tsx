'use client';

import { InstructorError } from '@/components/instructor/status';

export default function InstructorErrorBoundary({ reset }: { error: Error; reset: () => void }) {
  return <InstructorError reset={reset} />;
}
