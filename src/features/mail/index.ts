/** @module Mail: the outbox rows other features write in their batches, delivery, senders, secret links. */
export { resetLink, resetToken } from './links';
export { deliverOutbox, MAX_MAIL_ATTEMPTS, type MailSender, type MailTemplate, mailRow } from './outbox';
export { consoleMailSender, httpMailSender, senderFor } from './senders';
export { renderMail } from './templates';
