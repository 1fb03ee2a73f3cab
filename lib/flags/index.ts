export * from './thresholds';
export * from './flags';
export * from './describe';
export * from './explain';
