CREATE TABLE `read_days` (
	`publisher_id` text NOT NULL,
	`day` text NOT NULL,
	`reads` integer NOT NULL,
	`readers` integer NOT NULL,
	PRIMARY KEY(`publisher_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `read_days_day_idx` ON `read_days` (`day`);--> statement-breakpoint
ALTER TABLE `ledger_days` ADD `trimmed_at` integer;