export * from './messages.ts';
export * from './peer-messages.ts';
export * from './errors.ts';
export * from './limits.ts';
export * from './room-id.ts';
export * from './parse.ts';
export * from './warm.ts';
