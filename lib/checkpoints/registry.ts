import 'server-only';
import { checkpointIds, type CheckpointId } from '@/content/chapters';
import { chapter1 } from './chapter-1';
import { chapter2 } from './chapter-2';
import { chapter3 } from './chapter-3';
import { chapter4 } from './chapter-4';
import { chapter5 } from './chapter-5';
import type { CheckpointDefinition } from './definition';

export type { CheckpointContext, CheckpointDefinition, CheckpointState, CheckpointVerdict } from './definition';

/** Every chapter's checks; a chapter whose checks land (4: watches, 5: ML) adds its `chapter-N.ts` here. */
export const definitions: readonly CheckpointDefinition[] = [...chapter1, ...chapter2, ...chapter3, ...chapter4, ...chapter5];

const byId = new Map(definitions.map((definition) => [definition.id, definition]));

/** The checkpoint's definition, or undefined while its chapter's live checks have not landed (chapters 4-5). */
export function checkpointDefinition(id: CheckpointId): CheckpointDefinition | undefined {
  return byId.get(id);
}

export function chapterCheckpointIds(chapter: number): readonly CheckpointId[] {
  return checkpointIds[chapter as keyof typeof checkpointIds] ?? [];
}
