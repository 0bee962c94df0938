export { freePort } from './free-port.js';
export { findNatsServer, type NatsServer, startNatsServer } from './nats-server.js';
export {
  openRaw,
  parseRawResponse,
  type RawConnection,
  type RawResponse,
  rawHttp,
  rawRequest,
  slowBody,
} from './raw-http.js';
