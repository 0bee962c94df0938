export { freePort } from './free-port.js';
export { findNatsServer, type NatsServer, startNatsServer } from './nats-server.js';
