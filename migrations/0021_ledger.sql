CREATE TABLE `ledger_days` (
	`day` text PRIMARY KEY NOT NULL,
	`cursor` integer DEFAULT 0 NOT NULL,
	`moved` integer DEFAULT 0 NOT NULL,
	`sealed_at` integer
);
--> statement-breakpoint
CREATE TABLE `ledger_months` (
	`month` text PRIMARY KEY NOT NULL,
	`manifest` text NOT NULL,
	`reads` integer NOT NULL,
	`archived_at` integer NOT NULL
);
