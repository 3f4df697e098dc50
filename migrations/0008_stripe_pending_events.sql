CREATE TABLE `stripe_pending_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`stripe_created_at` integer NOT NULL,
	`customer_id` text,
	`subscription_id` text,
	`payload` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stripe_pending_customer_idx` ON `stripe_pending_events` (`customer_id`);--> statement-breakpoint
CREATE INDEX `stripe_pending_subscription_idx` ON `stripe_pending_events` (`subscription_id`);--> statement-breakpoint
CREATE INDEX `stripe_pending_seen_idx` ON `stripe_pending_events` (`first_seen_at`);