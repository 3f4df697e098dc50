/** @module Passkeys (WebAuthn): what the pages use to list and remove a reader's passkeys. */
export { deletePasskey, listPasskeys, type Passkey } from './manage';
