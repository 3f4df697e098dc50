/** @module The templates of every outbox message (subject, plain text, and the same as HTML), rendered at send time. */
import type { Config } from '../../app/config';
import { htmlOf } from './html';
import { emailChangeCode, emailChangeLink, resetLink, signInCode, signInLink } from './links';
import type { OutgoingMail } from './outbox';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

function field(payload: Record<string, unknown>, name: string): string | null {
  const value = payload[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** `2026-12-11 22:50 UTC`: unambiguous in every locale, and what the payload's RFC 3339 says. */
function when(value: string | null): string | null {
  if (value === null) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) return null;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const SIGNATURE = '\n\n— OnePass\n';

/** `€9.99`: an amount in minor units and an ISO currency, or null when either is missing. */
function money(amount: unknown, currency: string | null): string | null {
  if (typeof amount !== 'number' || currency === null) return null;
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amount / 10 ** digits);
  } catch {
    return null;
  }
}

/** Subject and text of an outbox message. Throws for an unknown template (the outbox retries, then dead-letters). */
export async function renderMail(config: Config, mail: OutgoingMail): Promise<RenderedMail> {
  const { subject, text } = await renderText(config, mail);
  return { subject, text, html: htmlOf(subject, text) };
}

async function renderText(config: Config, mail: OutgoingMail): Promise<Omit<RenderedMail, 'html'>> {
  const p = mail.payload;
  const account = `${config.publicUrl}/account`;
  switch (mail.template) {
    case 'trial_will_end': {
      const end = when(field(p, 'trial_end'));
      const plan = field(p, 'plan');
      return {
        subject: 'Your OnePass trial ends soon',
        text:
          `Your free trial ends${end ? ` on ${end}` : ' in a few days'}. ` +
          `Your ${plan ?? 'chosen'} plan starts then and the first payment is taken at that time.\n\n` +
          `To change or cancel it before then, open your account: ${account}${SIGNATURE}`,
      };
    }
    case 'payment_failed': {
      const grace = when(field(p, 'grace_until'));
      return {
        subject: 'Your OnePass payment failed',
        text:
          'We could not take the last payment for your membership. ' +
          `${grace ? `You can keep reading until ${grace}. ` : ''}` +
          `Please update your payment method: ${field(p, 'manage_url') ?? account}${SIGNATURE}`,
      };
    }
    case 'payment_action_required': {
      const amount = money(p.amount, field(p, 'currency'));
      const grace = when(field(p, 'grace_until'));
      const link = field(p, 'action_url');
      return {
        subject: 'Confirm your OnePass payment',
        text:
          `Your bank asks you to confirm the payment of ${amount ?? 'your membership'} before it goes through ` +
          '(3-D Secure). ' +
          `${link ? `Confirm it here:\n${link}\n\n` : `Confirm it from your account: ${field(p, 'manage_url') ?? account}\n\n`}` +
          `${grace ? `You can keep reading until ${grace}. ` : ''}` +
          `Nothing more is needed once it is confirmed.${SIGNATURE}`,
      };
    }
    case 'password_reset': {
      const ref = field(p, 'reset_ref');
      if (ref === null) throw new Error('password_reset mail without reset_ref');
      const until = when(field(p, 'expires_at'));
      return {
        subject: 'Reset your OnePass password',
        text:
          'Someone (hopefully you) asked to reset the password of your OnePass account.\n\n' +
          `Choose a new password here${until ? ` before ${until}` : ' within the hour'}:\n` +
          `${await resetLink(config, ref)}\n\n` +
          'The link works once. Using it signs you out everywhere. ' +
          `If you did not ask for this, ignore this message: your password stays as it is.${SIGNATURE}`,
      };
    }
    case 'sign_in': {
      const ref = field(p, 'sign_in_ref');
      if (ref === null) throw new Error('sign_in mail without sign_in_ref');
      const until = when(field(p, 'expires_at'));
      const code = await signInCode(config, ref);
      const joining = p.new_account === true;
      return {
        subject: `${code} is your OnePass ${joining ? 'sign-up' : 'sign-in'} code`,
        text:
          `${joining ? 'Welcome to OnePass. Confirm this address to create your account' : 'Sign in to OnePass'}` +
          ` with this link${until ? ` before ${until}` : ' within 15 minutes'}:\n` +
          `${await signInLink(config, ref)}\n\n` +
          `Or enter this code on the page that asked for it: ${code}\n\n` +
          'The link and the code work once. ' +
          `If you did not ask for this, ignore this message: nobody can sign in without it.${SIGNATURE}`,
      };
    }
    case 'welcome': {
      const end = when(field(p, 'trial_end'));
      return {
        subject: 'Welcome to OnePass',
        text:
          'Your OnePass account is ready: one membership for every member publisher. ' +
          `${end ? `Your free trial runs until ${end}; no card is needed until you choose a plan.` : 'Choose a plan to start reading.'}\n\n` +
          `${end && p.needs_confirmation === true ? 'One more step: confirm this address from your account page within a day, so that the trial goes on after its first day.\n\n' : ''}` +
          `Your account: ${account}${SIGNATURE}`,
      };
    }
    case 'receipt': {
      const amount = money(p.amount, field(p, 'currency'));
      const through = when(field(p, 'paid_through'));
      const invoice = field(p, 'invoice_url');
      const plan = field(p, 'plan');
      return {
        subject: 'Your OnePass receipt',
        text:
          `Thank you: we received ${amount ?? 'your payment'} for your ${plan ? `${plan} ` : ''}OnePass membership` +
          `${through ? `, which now runs until ${through}` : ''}.\n\n` +
          `${invoice ? `The invoice: ${invoice}\n\n` : ''}Manage billing from your account: ${account}${SIGNATURE}`,
      };
    }
    case 'verify_email': {
      const ref = field(p, 'sign_in_ref');
      if (ref === null) throw new Error('verify_email mail without sign_in_ref');
      const until = when(field(p, 'expires_at'));
      const code = await signInCode(config, ref);
      return {
        subject: `${code} confirms your OnePass address`,
        text:
          `Confirm that this address is yours${until ? ` before ${until}` : ' within 15 minutes'}, ` +
          'so that your free trial goes on after its first day:\n' +
          `${await signInLink(config, ref)}\n\n` +
          `Or enter this code on your account page: ${code}\n\n` +
          `The link and the code work once. If you did not ask for this, ignore this message.${SIGNATURE}`,
      };
    }
    case 'email_change': {
      const ref = field(p, 'change_ref');
      if (ref === null) throw new Error('email_change mail without change_ref');
      const until = when(field(p, 'expires_at'));
      const code = await emailChangeCode(config, ref);
      return {
        subject: `${code} confirms your new OnePass address`,
        text:
          'Someone (hopefully you) asked to move a OnePass account to this address.\n\n' +
          `Confirm it with this link${until ? ` before ${until}` : ' within 15 minutes'}:\n` +
          `${await emailChangeLink(config, ref)}\n\n` +
          `Or enter this code on your account page: ${code}\n\n` +
          'Until then the account keeps its old address. ' +
          `If you did not ask for this, ignore this message: nothing changes without it.${SIGNATURE}`,
      };
    }
    case 'email_changed': {
      const to = field(p, 'new_email');
      return {
        subject: 'The address of your OnePass account has changed',
        text:
          `Your OnePass account now uses ${to ?? 'a new address'}; mail about it goes there from now on.\n\n` +
          'If you did not make this change, reset your password at once from the sign-in page ' +
          `(${config.publicUrl}/login) and reply to this message.${SIGNATURE}`,
      };
    }
    case 'console_invite': {
      const name = field(p, 'publisher_name') ?? 'a publisher';
      const role = field(p, 'role') === 'owner' ? 'an owner' : 'a viewer';
      return {
        subject: `You are invited to the OnePass console of ${name}`,
        text:
          `You have been added to the publisher console of ${name} on OnePass, as ${role}.\n\n` +
          `Open it here and sign in with this address (a link by mail is enough): ${field(p, 'console_url') ?? `${config.publicUrl}/publisher`}\n\n` +
          `If you did not expect this, ignore this message: nothing happens until you sign in.${SIGNATURE}`,
      };
    }
    case 'cancellation': {
      const until = when(field(p, 'access_until'));
      return {
        subject: 'Your OnePass membership is cancelled',
        text:
          `Your membership is cancelled${until ? `: you keep reading until ${until}, and nothing more is charged` : ''}.\n\n` +
          `Changed your mind? Subscribe again from your account: ${account}${SIGNATURE}`,
      };
    }
    case 'gift_purchased': {
      const months = typeof p.months === 'number' ? p.months : 1;
      const to = field(p, 'recipient_email') ?? 'your recipient';
      const paid = money(p.amount, field(p, 'currency'));
      return {
        subject: `Your OnePass gift of ${months} ${months === 1 ? 'month' : 'months'}`,
        text:
          `Thank you: your gift of ${months} ${months === 1 ? 'month' : 'months'} of OnePass${paid ? ` (${paid})` : ''} is paid, ` +
          `and we have mailed ${to} the link to redeem it.\n\n` +
          `Here is the same link, to pass on yourself if you prefer: ${field(p, 'redeem_url') ?? account}\n\n` +
          `Anyone with the link can redeem the gift once.${SIGNATURE}`,
      };
    }
    case 'gift_received': {
      const months = typeof p.months === 'number' ? p.months : 1;
      const from = field(p, 'from') ?? 'Someone';
      const message = field(p, 'message');
      return {
        subject: `${from} gave you ${months} ${months === 1 ? 'month' : 'months'} of OnePass`,
        text:
          `${from} gave you ${months} ${months === 1 ? 'month' : 'months'} of OnePass: full articles on every member site.\n\n` +
          (message ? `Their message: ${message}\n\n` : '') +
          `Redeem it with a new or an existing account: ${field(p, 'redeem_url') ?? account}${SIGNATURE}`,
      };
    }
    case 'seat_invite': {
      const from = field(p, 'from') ?? 'Someone';
      const expires = when(field(p, 'expires_at'));
      return {
        subject: `${from} shares their OnePass membership with you`,
        text:
          `${from} invited you to a seat on their OnePass membership: full articles on every member site, ` +
          'for as long as their subscription runs.\n\n' +
          `Accept it with this address, with a new or an existing account: ${field(p, 'join_url') ?? account}\n\n` +
          `The link works${expires ? ` until ${expires}` : ' for 7 days'}. If you do not want it, ignore this mail.${SIGNATURE}`,
      };
    }
    case 'webhook_disabled': {
      const name = field(p, 'publisher_name') ?? 'your publication';
      const since = when(field(p, 'failing_since'));
      return {
        subject: `A OnePass webhook endpoint of ${name} was disabled`,
        text:
          `The webhook endpoint ${field(p, 'url') ?? ''} (${field(p, 'endpoint_id') ?? 'unknown'}) of ${name} ` +
          `has failed every delivery${since ? ` since ${since}` : ''}, through the whole 3-day retry schedule, ` +
          'so OnePass has stopped sending to it.\n\n' +
          'Fix the endpoint, then enable it again through the publisher API ' +
          '(PATCH /v1/publisher/webhooks/{id} with {"enabled": true}) or the publisher console; ' +
          `deliveries that failed meanwhile can be redelivered from their list.${SIGNATURE}`,
      };
    }
    default:
      throw new Error(`unknown mail template: ${mail.template}`);
  }
}
