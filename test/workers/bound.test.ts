/** @module Bound batch statements (src/db/bound.ts) on D1 in workerd, with the real migrations. */
import { env } from 'cloudflare:test';
import { d1Db } from '../../src/db/client';
import { boundSuite } from '../support/bound-suite';

const db = d1Db(env.DB);
boundSuite('d1', () => db);
