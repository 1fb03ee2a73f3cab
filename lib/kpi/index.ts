export * from './types';
export * from './time';
export * from './stats';
export * from './outcomes';
export * from './cost';
export * from './runs';
export * from './compute';
export * from './partition';
