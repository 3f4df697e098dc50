DROP INDEX `reads_reader_idx`;--> statement-breakpoint
CREATE INDEX `reads_reader_created_idx` ON `reads` (`reader_id`,`created_at`);