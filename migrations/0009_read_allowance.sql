CREATE TABLE `read_refusals` (
	`publisher_id` text NOT NULL,
	`day` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`publisher_id`, `day`, `reason`),
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `read_refusals_day_idx` ON `read_refusals` (`day`);--> statement-breakpoint
ALTER TABLE `reads` ADD `article_bound` integer DEFAULT true NOT NULL;--> statement-breakpoint
CREATE INDEX `reads_subject_day_idx` ON `reads` (`publisher_id`,`subject`,`day`);