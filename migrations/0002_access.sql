CREATE TABLE `access_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`publisher_id` text NOT NULL,
	`reader_id` text NOT NULL,
	`session_id` text NOT NULL,
	`article` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `access_codes_expires_idx` ON `access_codes` (`expires_at`);