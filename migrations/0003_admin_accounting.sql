CREATE TABLE `password_resets` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`reader_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `password_resets_reader_idx` ON `password_resets` (`reader_id`);--> statement-breakpoint
CREATE TABLE `payout_lines` (
	`payout_id` text NOT NULL,
	`publisher_id` text NOT NULL,
	`publisher_name` text NOT NULL,
	`reads` integer NOT NULL,
	`amount` integer NOT NULL,
	PRIMARY KEY(`payout_id`, `publisher_id`),
	FOREIGN KEY (`payout_id`) REFERENCES `payouts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `payouts` (
	`id` text PRIMARY KEY NOT NULL,
	`month` text NOT NULL,
	`currency` text NOT NULL,
	`amount` integer NOT NULL,
	`reads` integer NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_month_currency_unique` ON `payouts` (`month`,`currency`);--> statement-breakpoint
CREATE TABLE `reads` (
	`publisher_id` text NOT NULL,
	`subject` text NOT NULL,
	`article_id` text NOT NULL,
	`day` text NOT NULL,
	`reader_id` text,
	`membership` text NOT NULL,
	`title` text,
	`url` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`publisher_id`, `subject`, `article_id`, `day`),
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `reads_publisher_day_idx` ON `reads` (`publisher_id`,`day`);--> statement-breakpoint
CREATE INDEX `reads_day_idx` ON `reads` (`day`);--> statement-breakpoint
CREATE INDEX `reads_reader_idx` ON `reads` (`reader_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`actor_key_id` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`before` text,
	`after` text,
	`request_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_created_idx` ON `audit_log` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_target_idx` ON `audit_log` (`target_type`,`target_id`);