CREATE TABLE `admin_users` (
	`email_key` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `daily_metrics` (
	`day` text NOT NULL,
	`metric` text NOT NULL,
	`value` integer NOT NULL,
	PRIMARY KEY(`day`, `metric`)
);
--> statement-breakpoint
CREATE TABLE `publisher_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`publisher_id` text NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `publisher_keys_key_hash_unique` ON `publisher_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `publisher_keys_publisher_idx` ON `publisher_keys` (`publisher_id`);--> statement-breakpoint
CREATE TABLE `publisher_staff` (
	`publisher_id` text NOT NULL,
	`email_key` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`invited_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`publisher_id`, `email_key`),
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `publisher_staff_email_idx` ON `publisher_staff` (`email_key`);--> statement-breakpoint
-- Every publisher keeps the key it has: it becomes the first of its keys, with the publisher's own id suffix.
INSERT INTO `publisher_keys` (`id`, `publisher_id`, `name`, `key_hash`, `key_prefix`, `created_by`, `created_at`) SELECT 'pkk_' || substr(`id`, 5), `id`, 'Original key', `api_key_hash`, `api_key_prefix`, 'migration', `updated_at` FROM `publishers`;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_publisher_keys_publisher_id_insert` BEFORE INSERT ON `publisher_keys` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: publisher_keys.publisher_id') WHERE NEW.`publisher_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `publishers` WHERE `id` = NEW.`publisher_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_publisher_keys_publisher_id_update` BEFORE UPDATE OF `publisher_id` ON `publisher_keys` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: publisher_keys.publisher_id') WHERE NEW.`publisher_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `publishers` WHERE `id` = NEW.`publisher_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_publisher_keys_publisher_id_parent_delete` AFTER DELETE ON `publishers` BEGIN DELETE FROM `publisher_keys` WHERE `publisher_id` = OLD.`id`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_publisher_staff_publisher_id_insert` BEFORE INSERT ON `publisher_staff` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: publisher_staff.publisher_id') WHERE NEW.`publisher_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `publishers` WHERE `id` = NEW.`publisher_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_publisher_staff_publisher_id_update` BEFORE UPDATE OF `publisher_id` ON `publisher_staff` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: publisher_staff.publisher_id') WHERE NEW.`publisher_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `publishers` WHERE `id` = NEW.`publisher_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_publisher_staff_publisher_id_parent_delete` AFTER DELETE ON `publishers` BEGIN DELETE FROM `publisher_staff` WHERE `publisher_id` = OLD.`id`; END;
