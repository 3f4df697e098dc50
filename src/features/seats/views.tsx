/** @module The seat pages' views: the owner's seats (invite, remove), the member's seat (leave), an invitation to take one. */
import type { FC } from 'hono/jsx';
import { ErrorSummary, Field, type FormErrors, FormState, Layout } from '../pages';
import type { SeatsOverview } from './manage';

const day = (d: Date) => d.toISOString().slice(0, 10);

const STATUS_TEXT = { joined: 'Joined', invited: 'Invited', expired: 'Invitation expired' } as const;

const WHY_NOT: Record<string, string> = {
  no_subscription: 'Seats come with a subscription: subscribe, then invite the people you share it with.',
  ending: 'Your subscription is set to end: resume it in billing to invite anyone.',
  full: 'Every seat is taken: remove someone to invite someone else.',
  member: 'You hold a seat on someone else’s membership, so you cannot share one of your own.',
  seats_off: 'Seats are not offered on this service.',
};

export const SeatsView: FC<{
  overview: SeatsOverview;
  csrf: { invite: string; remove: string; leave: string };
  values?: Record<string, string> | undefined;
  errors?: FormErrors | undefined;
  notice?: string | undefined;
}> = ({ overview: o, csrf, values, errors, notice }) => (
  <Layout title="Seats" signedIn hasErrors={!!errors}>
    <h1>Share your membership</h1>
    <p class="lead">
      One subscription covers up to {o.limit} people, you included. Each seat is billed at your plan’s price
      from your next renewal.
    </p>
    {notice ? (
      <div class="notice" role="status">
        {notice}
      </div>
    ) : null}
    <ErrorSummary errors={errors} order={['email', 'form']} />
    {o.holds ? (
      <section class="card" aria-labelledby="held-title">
        <h2 id="held-title">Your seat</h2>
        <p>
          You read through <strong>{o.holds.ownerEmail}</strong>’s membership, since {day(o.holds.joinedAt)}.
          Leaving ends your access at once.
        </p>
        <form method="post" action="/account/seat/leave">
          <FormState csrf={csrf.leave} />
          <button class="btn secondary" type="submit">
            Leave this seat
          </button>
        </form>
      </section>
    ) : null}
    {o.seats.length > 0 ? (
      <section class="card" aria-labelledby="seats-title">
        <h2 id="seats-title">
          Seats: {o.seats.length} of {o.limit - 1}
        </h2>
        <table>
          <caption>People your subscription covers (billed for {o.quantity}, you included)</caption>
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Status</th>
              <th scope="col">Since</th>
              <th scope="col">
                <span class="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {o.seats.map((s) => (
              <tr>
                <td>{s.email}</td>
                <td>{STATUS_TEXT[s.status]}</td>
                <td>{day(s.joinedAt ?? s.invitedAt)}</td>
                <td>
                  <form method="post" action={`/account/seats/${s.id}/remove`}>
                    <FormState csrf={csrf.remove} />
                    <button class="btn secondary" type="submit" aria-label={`Remove ${s.email}`}>
                      Remove
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    ) : null}
    {o.inviteRefusal === null ? (
      <form class="card" method="post" action="/account/seats" novalidate>
        <h2>Invite someone</h2>
        <FormState csrf={csrf.invite} />
        <Field
          id="email"
          label="Their email address"
          type="email"
          autocomplete="off"
          value={values?.email}
          error={errors?.email}
        />
        <button class="btn" type="submit">
          Send the invitation
        </button>
      </form>
    ) : o.holds ? null : (
      <p class="card">{WHY_NOT[o.inviteRefusal]}</p>
    )}
    <p>
      <a href="/account">Your account</a>
    </p>
  </Layout>
);

export const SeatJoinView: FC<{
  from: string;
  email: string;
  status: 'open' | 'taken' | 'expired' | 'ended';
  csrf: string | null;
  action: string;
  signInHref: string;
  signUpHref: string;
  error?: string | undefined;
}> = (p) => (
  <Layout title="A seat for you" signedIn={p.csrf !== null} narrow hasErrors={p.error !== undefined}>
    <h1>{p.from} shares their OnePass membership with you</h1>
    {p.error ? (
      <div class="summary" role="alert">
        {p.error}
      </div>
    ) : null}
    {p.status === 'taken' ? (
      <p class="lead">This seat has been taken.</p>
    ) : p.status === 'expired' ? (
      <p class="lead">This invitation has expired: ask {p.from} for a new one.</p>
    ) : p.status === 'ended' ? (
      <p class="lead">The membership that offered this seat has ended.</p>
    ) : p.csrf ? (
      <form class="card" method="post" action={p.action}>
        <FormState csrf={p.csrf} />
        <p>
          Full articles on every member site, for as long as {p.from}’s subscription runs. The seat is for{' '}
          <strong>{p.email}</strong>.
        </p>
        <button class="btn block" type="submit">
          Take the seat
        </button>
      </form>
    ) : (
      <div class="actions">
        <a class="btn" href={p.signUpHref}>
          Create an account with {p.email}
        </a>
        <a href={p.signInHref}>I have an account: sign in</a>
      </div>
    )}
  </Layout>
);
