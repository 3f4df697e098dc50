/**
 * @module Ledger layouts the reads bench compares with the migrations' own: each a schema and the
 * row one read becomes in it. Only the layout differs; every one keeps what the service needs of a
 * read (the statement's tree order, dedupe, the daily allowance, reports, a reader's history).
 */

export interface Read {
  publisher: string;
  /** The publisher's position, for layouts that key publishers by a small integer. */
  publisherNo: number;
  subject: string;
  article: string;
  day: string;
  readerId: string;
  createdAt: number;
}

export interface Layout {
  name: string;
  /** DDL run on an empty file. */
  schema: string[];
  insert: string;
  row(read: Read): (string | number | Uint8Array | null)[];
}

const ARTICLES_APART = `CREATE TABLE articles (publisher_id TEXT NOT NULL, article_id TEXT NOT NULL,
  title TEXT, url TEXT, PRIMARY KEY (publisher_id, article_id)) WITHOUT ROWID`;

const days = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
const subjectBytes = (subject: string) => new Uint8Array(Buffer.from(subject, 'base64url'));

export const LAYOUTS: Layout[] = [
  {
    name: 'B: title and url in an articles table',
    schema: [
      `CREATE TABLE reads (publisher_id TEXT NOT NULL, subject TEXT NOT NULL, article_id TEXT NOT NULL,
        day TEXT NOT NULL, reader_id TEXT, membership TEXT NOT NULL, article_bound INTEGER NOT NULL,
        created_at INTEGER NOT NULL, PRIMARY KEY (publisher_id, subject, article_id, day))`,
      'CREATE INDEX reads_subject_day_idx ON reads (publisher_id, subject, day)',
      'CREATE INDEX reads_publisher_day_idx ON reads (publisher_id, day)',
      'CREATE INDEX reads_day_idx ON reads (day)',
      'CREATE INDEX reads_reader_created_idx ON reads (reader_id, created_at)',
      ARTICLES_APART,
    ],
    insert: `INSERT OR IGNORE INTO reads VALUES (?, ?, ?, ?, ?, 'paid', 1, ?)`,
    row: (r) => [r.publisher, r.subject, r.article, r.day, r.readerId, r.createdAt],
  },
  {
    name: 'C: B, WITHOUT ROWID (the key is the table)',
    schema: [
      `CREATE TABLE reads (publisher_id TEXT NOT NULL, subject TEXT NOT NULL, article_id TEXT NOT NULL,
        day TEXT NOT NULL, reader_id TEXT, membership TEXT NOT NULL, article_bound INTEGER NOT NULL,
        created_at INTEGER NOT NULL, PRIMARY KEY (publisher_id, subject, article_id, day)) WITHOUT ROWID`,
      'CREATE INDEX reads_subject_day_idx ON reads (publisher_id, subject, day)',
      'CREATE INDEX reads_publisher_day_idx ON reads (publisher_id, day)',
      'CREATE INDEX reads_reader_created_idx ON reads (reader_id, created_at)',
      ARTICLES_APART,
    ],
    insert: `INSERT OR IGNORE INTO reads VALUES (?, ?, ?, ?, ?, 'paid', 1, ?)`,
    row: (r) => [r.publisher, r.subject, r.article, r.day, r.readerId, r.createdAt],
  },
  {
    name: 'D: C, compact keys (publisher no, 32-byte subject, day number)',
    schema: [
      `CREATE TABLE reads (publisher_no INTEGER NOT NULL, subject BLOB NOT NULL, article_id TEXT NOT NULL,
        day INTEGER NOT NULL, reader_no INTEGER, flags INTEGER NOT NULL,
        PRIMARY KEY (publisher_no, subject, article_id, day)) WITHOUT ROWID`,
      'CREATE INDEX reads_subject_day_idx ON reads (publisher_no, subject, day)',
      'CREATE INDEX reads_publisher_day_idx ON reads (publisher_no, day)',
      'CREATE INDEX reads_reader_day_idx ON reads (reader_no, day)',
      ARTICLES_APART,
    ],
    insert: 'INSERT OR IGNORE INTO reads VALUES (?, ?, ?, ?, ?, 1)',
    row: (r) => [
      r.publisherNo,
      subjectBytes(r.subject),
      r.article,
      days(r.day),
      Number.parseInt(r.readerId.slice(-6), 36),
      // membership kind and article_bound packed into one small integer
    ],
  },
  {
    name: 'E: the ledger alone (what the statement proves: publisher, subject, article, day)',
    schema: [
      `CREATE TABLE reads (publisher_no INTEGER NOT NULL, subject BLOB NOT NULL, article_id TEXT NOT NULL,
        day INTEGER NOT NULL, PRIMARY KEY (publisher_no, subject, article_id, day)) WITHOUT ROWID`,
    ],
    insert: 'INSERT OR IGNORE INTO reads VALUES (?, ?, ?, ?)',
    row: (r) => [r.publisherNo, subjectBytes(r.subject), r.article, days(r.day)],
  },
];
