export * from './endpoint-stats.js';
export * from './endpoints.js';
export * from './protocol.js';
export * from './responder.js';
