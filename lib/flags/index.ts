export * from './thresholds';
export * from './flags';
export * from './kinds';
export * from './describe';
export * from './explain';
