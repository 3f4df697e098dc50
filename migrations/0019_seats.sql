CREATE TABLE `seats` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_reader_id` text NOT NULL,
	`email` text NOT NULL,
	`member_reader_id` text,
	`token_hash` text,
	`invited_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`joined_at` integer,
	FOREIGN KEY (`owner_reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `seats_token_hash_unique` ON `seats` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `seats_owner_email_unique` ON `seats` (`owner_reader_id`,`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `seats_member_unique` ON `seats` (`member_reader_id`);--> statement-breakpoint
CREATE INDEX `seats_owner_idx` ON `seats` (`owner_reader_id`);--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_seats_owner_reader_id_insert` BEFORE INSERT ON `seats` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: seats.owner_reader_id') WHERE NEW.`owner_reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`owner_reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_seats_owner_reader_id_update` BEFORE UPDATE OF `owner_reader_id` ON `seats` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: seats.owner_reader_id') WHERE NEW.`owner_reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`owner_reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_seats_owner_reader_id_parent_delete` AFTER DELETE ON `readers` BEGIN DELETE FROM `seats` WHERE `owner_reader_id` = OLD.`id`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_seats_member_reader_id_insert` BEFORE INSERT ON `seats` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: seats.member_reader_id') WHERE NEW.`member_reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`member_reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_seats_member_reader_id_update` BEFORE UPDATE OF `member_reader_id` ON `seats` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: seats.member_reader_id') WHERE NEW.`member_reader_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`member_reader_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_seats_member_reader_id_parent_delete` AFTER DELETE ON `readers` BEGIN DELETE FROM `seats` WHERE `member_reader_id` = OLD.`id`; END;
