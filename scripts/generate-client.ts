/**
 * `npm run generate:client`: writes openapi.json (the document the API serves) and the typed
 * client's types generated from it (src/client/api-types.ts). test/openapi.test.ts fails when either
 * committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { clientTypes, openApiDocument } from './openapi.js';

const document = await openApiDocument();
writeFileSync('openapi.json', `${JSON.stringify(document, null, 2)}\n`);
writeFileSync('src/client/api-types.ts', await clientTypes(document));
console.log('wrote openapi.json and src/client/api-types.ts');
