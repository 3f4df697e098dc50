ALTER TABLE `payout_lines` ADD `root` text;--> statement-breakpoint
ALTER TABLE `payouts` ADD `root` text;--> statement-breakpoint
ALTER TABLE `payouts` ADD `statement` text;