/** @module Mail: the outbox rows other features write in their batches, delivery, senders, secret links. */
export {
  emailChangeCode,
  emailChangeCodeHash,
  emailChangeLink,
  emailChangeToken,
  resetLink,
  resetToken,
  signInCode,
  signInCodeHash,
  signInLink,
  signInToken,
} from './links';
export {
  deliverOutbox,
  MAX_MAIL_ATTEMPTS,
  type MailSender,
  type MailTemplate,
  mailRow,
  sendSoon,
} from './outbox';
export { consoleMailSender, httpMailSender, senderFor } from './senders';
export { type RenderedMail, renderMail } from './templates';
