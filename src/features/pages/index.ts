/** @module Reader pages, and the parts other page-rendering features (the `/access` entry, the consoles) build on. */
export { attempt, emailError, formLimit, formStrings, submitted } from './forms';
export { loginFor } from './navigation';
export { renderPage, stripeOrigins } from './render';
export { showError, showFailure, showForbiddenForm, showLogin, showSignup, showSubscribe } from './screens';
export { ErrorSummary, Field, type FormErrors, FormState } from './views/form';
export { Layout } from './views/layout';
