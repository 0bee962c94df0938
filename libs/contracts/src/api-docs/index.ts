import { buildAsyncApi } from './asyncapi.js';
import { buildOpenApi } from './openapi.js';

export { buildAsyncApi } from './asyncapi.js';
export { buildOpenApi } from './openapi.js';

/** The generated API documents, by file name (`libs/contracts/api/`). */
export const ApiDocFiles = { openapi: 'openapi.json', asyncapi: 'asyncapi.json' } as const;

/** The text of both API documents, as committed in `libs/contracts/api/` and served by the gateway. */
export function renderApiDocs(): Record<(typeof ApiDocFiles)[keyof typeof ApiDocFiles], string> {
  return {
    'openapi.json': `${JSON.stringify(buildOpenApi(), null, 2)}\n`,
    'asyncapi.json': `${JSON.stringify(buildAsyncApi(), null, 2)}\n`,
  };
}
