CREATE TABLE `member_counts` (
	`status` text PRIMARY KEY NOT NULL,
	`n` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `memberships_status_trial_end_idx` ON `memberships` (`status`,`trial_ends_at`);--> statement-breakpoint
CREATE INDEX `memberships_status_comp_idx` ON `memberships` (`status`,`comp_until`);--> statement-breakpoint
CREATE INDEX `memberships_status_grace_idx` ON `memberships` (`status`,`grace_until`);--> statement-breakpoint
INSERT INTO `member_counts` (`status`, `n`) SELECT 'trialing', count(*) FROM `memberships` m JOIN `readers` r ON r.`id` = m.`reader_id` WHERE r.`deleted_at` IS NULL AND m.`status` = 'trialing';
--> statement-breakpoint
INSERT INTO `member_counts` (`status`, `n`) SELECT 'active', count(*) FROM `memberships` m JOIN `readers` r ON r.`id` = m.`reader_id` WHERE r.`deleted_at` IS NULL AND m.`status` = 'active';
--> statement-breakpoint
INSERT INTO `member_counts` (`status`, `n`) SELECT 'past_due', count(*) FROM `memberships` m JOIN `readers` r ON r.`id` = m.`reader_id` WHERE r.`deleted_at` IS NULL AND m.`status` = 'past_due';
--> statement-breakpoint
INSERT INTO `member_counts` (`status`, `n`) SELECT 'canceled', count(*) FROM `memberships` m JOIN `readers` r ON r.`id` = m.`reader_id` WHERE r.`deleted_at` IS NULL AND m.`status` = 'canceled';
--> statement-breakpoint
INSERT INTO `member_counts` (`status`, `n`) SELECT 'expired', count(*) FROM `memberships` m JOIN `readers` r ON r.`id` = m.`reader_id` WHERE r.`deleted_at` IS NULL AND m.`status` = 'expired';
--> statement-breakpoint
INSERT INTO `member_counts` (`status`, `n`) SELECT 'comped', count(*) FROM `memberships` m JOIN `readers` r ON r.`id` = m.`reader_id` WHERE r.`deleted_at` IS NULL AND m.`status` = 'comped';
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `member_counts_insert` AFTER INSERT ON `memberships` WHEN EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`reader_id` AND `deleted_at` IS NULL) BEGIN UPDATE `member_counts` SET `n` = `n` + 1 WHERE `status` = NEW.`status`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `member_counts_status` AFTER UPDATE OF `status` ON `memberships` WHEN OLD.`status` <> NEW.`status` AND EXISTS (SELECT 1 FROM `readers` WHERE `id` = NEW.`reader_id` AND `deleted_at` IS NULL) BEGIN UPDATE `member_counts` SET `n` = `n` - 1 WHERE `status` = OLD.`status`; UPDATE `member_counts` SET `n` = `n` + 1 WHERE `status` = NEW.`status`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `member_counts_delete` AFTER DELETE ON `memberships` WHEN NOT EXISTS (SELECT 1 FROM `readers` WHERE `id` = OLD.`reader_id` AND `deleted_at` IS NOT NULL) BEGIN UPDATE `member_counts` SET `n` = `n` - 1 WHERE `status` = OLD.`status`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `member_counts_reader_deleted` AFTER UPDATE OF `deleted_at` ON `readers` WHEN (OLD.`deleted_at` IS NULL) <> (NEW.`deleted_at` IS NULL) BEGIN UPDATE `member_counts` SET `n` = `n` + (CASE WHEN NEW.`deleted_at` IS NULL THEN 1 ELSE -1 END) WHERE `status` = (SELECT `status` FROM `memberships` WHERE `reader_id` = NEW.`id`); END;
