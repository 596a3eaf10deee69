import { z } from 'zod';
import { allCheckpointIds, type CheckpointId } from '@/content/chapters';

/** Frontmatter every chapter MDX file must carry, checked when the chapter loads. */
export const chapterFrontmatterSchema = z.object({
  title: z.string().min(1),
  summary: z.string().min(1),
  duration: z.number().int().positive(),
  checkpoints: z.array(z.enum(allCheckpointIds as [CheckpointId, ...CheckpointId[]])),
});
export type ChapterFrontmatter = z.infer<typeof chapterFrontmatterSchema>;
