CREATE TABLE `email_changes` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`code_hash` text NOT NULL,
	`reader_id` text NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `email_changes_reader_idx` ON `email_changes` (`reader_id`);--> statement-breakpoint
CREATE TABLE `passkeys` (
	`id` text PRIMARY KEY NOT NULL,
	`reader_id` text NOT NULL,
	`public_key` text NOT NULL,
	`counter` integer DEFAULT 0 NOT NULL,
	`transports` text NOT NULL,
	`device_type` text NOT NULL,
	`backed_up` integer DEFAULT false NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	FOREIGN KEY (`reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `passkeys_reader_idx` ON `passkeys` (`reader_id`);--> statement-breakpoint
CREATE TABLE `webauthn_challenges` (
	`challenge_hash` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`reader_id` text,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webauthn_challenges_expires_idx` ON `webauthn_challenges` (`expires_at`);--> statement-breakpoint
CREATE TABLE `meter_articles` (
	`reader_id` text NOT NULL,
	`month` text NOT NULL,
	`publisher_id` text NOT NULL,
	`article_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`reader_id`, `month`, `publisher_id`, `article_id`),
	FOREIGN KEY (`reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `publishers` ADD `description` text;--> statement-breakpoint
ALTER TABLE `publishers` ADD `homepage_url` text;--> statement-breakpoint
ALTER TABLE `publishers` ADD `logo_url` text;--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_email_changes_reader_id_insert` BEFORE INSERT ON `email_changes` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: email_changes.reader_id') WHERE NEW.`reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_email_changes_reader_id_update` BEFORE UPDATE OF `reader_id` ON `email_changes` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: email_changes.reader_id') WHERE NEW.`reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_email_changes_reader_id_parent_delete` AFTER DELETE ON `readers` BEGIN DELETE FROM `email_changes` WHERE `reader_id` = OLD.`id`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_meter_articles_reader_id_insert` BEFORE INSERT ON `meter_articles` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: meter_articles.reader_id') WHERE NEW.`reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_meter_articles_reader_id_update` BEFORE UPDATE OF `reader_id` ON `meter_articles` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: meter_articles.reader_id') WHERE NEW.`reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_meter_articles_reader_id_parent_delete` AFTER DELETE ON `readers` BEGIN DELETE FROM `meter_articles` WHERE `reader_id` = OLD.`id`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_meter_articles_publisher_id_insert` BEFORE INSERT ON `meter_articles` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: meter_articles.publisher_id') WHERE NEW.`publisher_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `publishers` WHERE `id` = NEW.`publisher_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_meter_articles_publisher_id_update` BEFORE UPDATE OF `publisher_id` ON `meter_articles` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: meter_articles.publisher_id') WHERE NEW.`publisher_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `publishers` WHERE `id` = NEW.`publisher_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_meter_articles_publisher_id_parent_delete` AFTER DELETE ON `publishers` BEGIN DELETE FROM `meter_articles` WHERE `publisher_id` = OLD.`id`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_passkeys_reader_id_insert` BEFORE INSERT ON `passkeys` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: passkeys.reader_id') WHERE NEW.`reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_passkeys_reader_id_update` BEFORE UPDATE OF `reader_id` ON `passkeys` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: passkeys.reader_id') WHERE NEW.`reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_passkeys_reader_id_parent_delete` AFTER DELETE ON `readers` BEGIN DELETE FROM `passkeys` WHERE `reader_id` = OLD.`id`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webauthn_challenges_reader_id_insert` BEFORE INSERT ON `webauthn_challenges` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webauthn_challenges.reader_id') WHERE NEW.`reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webauthn_challenges_reader_id_update` BEFORE UPDATE OF `reader_id` ON `webauthn_challenges` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webauthn_challenges.reader_id') WHERE NEW.`reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webauthn_challenges_reader_id_parent_delete` AFTER DELETE ON `readers` BEGIN DELETE FROM `webauthn_challenges` WHERE `reader_id` = OLD.`id`; END;