import { NotFoundPrompt } from '@/components/guide/status-pages';

export default function NotFound() {
  return <NotFoundPrompt />;
}
