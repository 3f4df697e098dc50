/**
 * @module `npm run gen:api [-- FILE]`: regenerates scripts/api/schema.d.ts (or FILE) from the app's
 * OpenAPI document, built in-process: no server needed. test/node/api-types.test.ts fails while
 * the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { apiTypes, SCHEMA_FILE } from './api/types';

const file = path.resolve(process.argv[2] ?? SCHEMA_FILE);
writeFileSync(file, await apiTypes());
console.log(`Wrote ${path.relative(process.cwd(), file)}`);
