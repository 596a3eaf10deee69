export { PracticeMl, RESULTS_INDEX, CONFIG_INDEX } from './practice-ml';
export type { LicenceType, Params, PracticeMlOptions } from './practice-ml';
export { ML_ROUTES, type MlRoute } from './routes';
export { mlDialect, type MlDialect } from './flavours';
