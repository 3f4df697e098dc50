CREATE TABLE `admin_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `admin_keys_key_hash_unique` ON `admin_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `publishers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`origins` text NOT NULL,
	`api_key_hash` text NOT NULL,
	`api_key_prefix` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `publishers_api_key_hash_unique` ON `publishers` (`api_key_hash`);--> statement-breakpoint
CREATE TABLE `memberships` (
	`reader_id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`plan` text,
	`trial_ends_at` integer,
	`current_period_end` integer,
	`cancel_at_period_end` integer DEFAULT false NOT NULL,
	`grace_until` integer,
	`comp_until` integer,
	`comp_reason` text,
	`ended_reason` text,
	`stripe_customer_id` text,
	`stripe_subscription_id` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `memberships_stripe_customer_id_unique` ON `memberships` (`stripe_customer_id`);--> statement-breakpoint
CREATE INDEX `memberships_status_idx` ON `memberships` (`status`);--> statement-breakpoint
CREATE INDEX `memberships_subscription_idx` ON `memberships` (`stripe_subscription_id`);--> statement-breakpoint
CREATE TABLE `readers` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text,
	`email_key` text,
	`trial_identity` text,
	`password_hash` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	`revoked_before` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `readers_email_key_unique` ON `readers` (`email_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `readers_trial_identity_unique` ON `readers` (`trial_identity`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`reader_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_hash_unique` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_reader_idx` ON `sessions` (`reader_id`);--> statement-breakpoint
CREATE TABLE `trial_claims` (
	`identity_hash` text PRIMARY KEY NOT NULL,
	`claimed_at` integer NOT NULL
);
