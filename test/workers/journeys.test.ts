/** @module The journeys of test/journeys, run in workerd on D1 through the Worker's own fetch. */
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
import { workersDoor } from '../support/workers-door';

readerJourney(() => workersDoor);
emailSignInJourney(() => workersDoor);
devicesJourney(() => workersDoor);
readingJourney(() => workersDoor);
passkeysJourney(() => workersDoor);
addressJourney(() => workersDoor);
meterJourney(() => workersDoor);
titlesJourney(() => workersDoor);
importsJourney(() => workersDoor);
memberCountsJourney(() => workersDoor);
