/** @module Reader pages, for flows outside this feature that answer with one (the `/access` entry). */
export { showError, showFailure, showLogin, showSignup, showSubscribe } from './screens';
