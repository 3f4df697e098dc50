DROP INDEX `memberships_status_idx`;--> statement-breakpoint
CREATE INDEX `memberships_status_period_end_idx` ON `memberships` (`status`,`current_period_end`);--> statement-breakpoint
CREATE INDEX `memberships_status_updated_idx` ON `memberships` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `access_codes_reader_idx` ON `access_codes` (`reader_id`);--> statement-breakpoint
CREATE INDEX `access_codes_session_idx` ON `access_codes` (`session_id`);--> statement-breakpoint
CREATE INDEX `outbox_reader_created_idx` ON `outbox` (`reader_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `gifts_redeemed_by_idx` ON `gifts` (`redeemed_by`);--> statement-breakpoint
CREATE INDEX `gifts_paid_idx` ON `gifts` (`paid_at`);--> statement-breakpoint
CREATE INDEX `gifts_redeemed_at_idx` ON `gifts` (`redeemed_at`);