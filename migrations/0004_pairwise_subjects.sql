CREATE TABLE `pairwise_subjects` (
	`publisher_id` text NOT NULL,
	`subject` text NOT NULL,
	`reader_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`publisher_id`, `subject`),
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reader_id`) REFERENCES `readers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `pairwise_subjects_reader_idx` ON `pairwise_subjects` (`reader_id`);