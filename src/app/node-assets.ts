/**
 * @module The static assets of the Node door: the API reference viewer from the installed package,
 * the passkeys pages' script from its generated module (the Worker serves both from its `ASSETS`).
 */
import { VIEWER_PATH } from '../features/docs/viewer';
import { answerHeld, type HeldFile, heldFile, installedViewer } from '../features/docs/viewer-file';
import { PASSKEYS_SCRIPT } from '../features/pages/client/passkeys-script';
import { PASSKEYS_SCRIPT_PATH } from '../features/pages/client/script-path';

let passkeys: HeldFile | undefined;

export async function nodeStaticAsset(
  path: string,
  ifNoneMatch: string | undefined,
): Promise<Response | null> {
  if (path === VIEWER_PATH) return installedViewer(ifNoneMatch);
  if (path === PASSKEYS_SCRIPT_PATH) {
    passkeys ??= heldFile(new TextEncoder().encode(PASSKEYS_SCRIPT));
    return answerHeld(passkeys, ifNoneMatch);
  }
  return null;
}
