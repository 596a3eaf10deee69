import { InstructorLoading } from '@/components/instructor/status';

export default function Loading() {
  return <InstructorLoading />;
}
