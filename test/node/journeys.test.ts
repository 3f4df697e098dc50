/** @module The journeys of test/journeys, run on the Node door over a libSQL file. */
import { afterAll, beforeAll } from 'vitest';
import { addressJourney } from '../journeys/address';
import { devicesJourney } from '../journeys/devices';
import { emailSignInJourney } from '../journeys/email-sign-in';
import { importsJourney } from '../journeys/imports';
import { memberCountsJourney } from '../journeys/member-counts';
import { meterJourney } from '../journeys/meter';
import { passkeysJourney } from '../journeys/passkeys';
import { readerJourney } from '../journeys/reader';
import { readingJourney } from '../journeys/reading';
import { titlesJourney } from '../journeys/titles';
import { type NodeDoor, startNodeDoor } from '../support/node-door';

let door: NodeDoor;
beforeAll(async () => {
  door = await startNodeDoor({ METER_FREE_ARTICLES: '3' });
});
afterAll(() => door.close());

readerJourney(() => door);
emailSignInJourney(() => door);
devicesJourney(() => door);
readingJourney(() => door);
passkeysJourney(() => door);
addressJourney(() => door);
meterJourney(() => door);
titlesJourney(() => door);
importsJourney(() => door);
memberCountsJourney(() => door);
