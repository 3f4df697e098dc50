CREATE TABLE `email_sign_ins` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`code_hash` text NOT NULL,
	`email_key` text NOT NULL,
	`email` text NOT NULL,
	`next` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE INDEX `email_sign_ins_code_idx` ON `email_sign_ins` (`code_hash`);--> statement-breakpoint
CREATE INDEX `email_sign_ins_email_idx` ON `email_sign_ins` (`email_key`);--> statement-breakpoint
ALTER TABLE `readers` ADD `email_verified_at` integer;