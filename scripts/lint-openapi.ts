/**
 * @module `npm run lint:openapi`: Redocly's recommended rules (and redocly.yaml's) on the app's
 * OpenAPI document, built in-process; exits non-zero on any error or warning.
 */
import { openApiDocument } from './api/document';
import { redoclyLint } from './api/lint';

const run = redoclyLint(await openApiDocument(), ['--max-problems=1000'], 'inherit');
if (run.error) throw run.error;
process.exitCode = run.status ?? 1;
