export { findStructure, TEXT_STRUCTURE_DIALECTS } from './find-structure';
export type { FindStructureOptions, FindStructureParams, TextStructureDialect, TextStructureResponse } from './find-structure';
