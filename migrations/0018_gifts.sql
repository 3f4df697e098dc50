CREATE TABLE `gifts` (
	`id` text PRIMARY KEY NOT NULL,
	`buyer_reader_id` text,
	`buyer_email` text NOT NULL,
	`recipient_email` text NOT NULL,
	`recipient_name` text,
	`message` text,
	`months` integer NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`token_hash` text NOT NULL,
	`stripe_checkout_session_id` text,
	`stripe_payment_intent_id` text,
	`redeemed_by` text,
	`redeemed_at` integer,
	`ends_at` integer,
	`paid_at` integer,
	`voided_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`buyer_reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`redeemed_by`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `gifts_token_hash_unique` ON `gifts` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `gifts_stripe_checkout_session_id_unique` ON `gifts` (`stripe_checkout_session_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `gifts_stripe_payment_intent_id_unique` ON `gifts` (`stripe_payment_intent_id`);--> statement-breakpoint
CREATE INDEX `gifts_buyer_idx` ON `gifts` (`buyer_reader_id`);--> statement-breakpoint
CREATE INDEX `gifts_status_idx` ON `gifts` (`status`);--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_gifts_buyer_reader_id_insert` BEFORE INSERT ON `gifts` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: gifts.buyer_reader_id') WHERE NEW.`buyer_reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`buyer_reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_gifts_buyer_reader_id_update` BEFORE UPDATE OF `buyer_reader_id` ON `gifts` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: gifts.buyer_reader_id') WHERE NEW.`buyer_reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`buyer_reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_gifts_buyer_reader_id_parent_delete` AFTER DELETE ON `readers` BEGIN UPDATE `gifts` SET `buyer_reader_id` = NULL WHERE `buyer_reader_id` = OLD.`id`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_gifts_redeemed_by_insert` BEFORE INSERT ON `gifts` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: gifts.redeemed_by') WHERE NEW.`redeemed_by` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`redeemed_by`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_gifts_redeemed_by_update` BEFORE UPDATE OF `redeemed_by` ON `gifts` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: gifts.redeemed_by') WHERE NEW.`redeemed_by` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`redeemed_by`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_gifts_redeemed_by_parent_delete` AFTER DELETE ON `readers` BEGIN UPDATE `gifts` SET `redeemed_by` = NULL WHERE `redeemed_by` = OLD.`id`; END;
