import { ChapterLoading } from '@/components/guide/status-pages';

export default function Loading() {
  return <ChapterLoading />;
}
