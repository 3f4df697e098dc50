CREATE TABLE `webhook_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`status_code` integer,
	`error` text,
	`response` text,
	FOREIGN KEY (`delivery_id`) REFERENCES `webhook_deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery_idx` ON `webhook_attempts` (`delivery_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`first_attempt_at` integer,
	`last_attempt_at` integer,
	`last_status_code` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `webhook_messages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_message_endpoint_idx` ON `webhook_deliveries` (`message_id`,`endpoint_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_endpoint_idx` ON `webhook_deliveries` (`endpoint_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`publisher_id` text NOT NULL,
	`url` text NOT NULL,
	`description` text,
	`events` text NOT NULL,
	`enabled` integer NOT NULL,
	`disabled_reason` text,
	`secret_sealed` text NOT NULL,
	`previous_secret_sealed` text,
	`previous_secret_until` integer,
	`failing_since` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_endpoints_publisher_idx` ON `webhook_endpoints` (`publisher_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`publisher_id` text NOT NULL,
	`type` text NOT NULL,
	`body` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`fanned_out` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_messages_dedupe_key_unique` ON `webhook_messages` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `webhook_messages_fan_out_idx` ON `webhook_messages` (`fanned_out`,`created_at`);--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_attempts_delivery_id_insert` BEFORE INSERT ON `webhook_attempts` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webhook_attempts.delivery_id') WHERE NEW.`delivery_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `webhook_deliveries` WHERE `id` = NEW.`delivery_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_attempts_delivery_id_update` BEFORE UPDATE OF `delivery_id` ON `webhook_attempts` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webhook_attempts.delivery_id') WHERE NEW.`delivery_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `webhook_deliveries` WHERE `id` = NEW.`delivery_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_attempts_delivery_id_parent_delete` AFTER DELETE ON `webhook_deliveries` BEGIN DELETE FROM `webhook_attempts` WHERE `delivery_id` = OLD.`id`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_deliveries_message_id_insert` BEFORE INSERT ON `webhook_deliveries` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webhook_deliveries.message_id') WHERE NEW.`message_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `webhook_messages` WHERE `id` = NEW.`message_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_deliveries_message_id_update` BEFORE UPDATE OF `message_id` ON `webhook_deliveries` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webhook_deliveries.message_id') WHERE NEW.`message_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `webhook_messages` WHERE `id` = NEW.`message_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_deliveries_message_id_parent_delete` AFTER DELETE ON `webhook_messages` BEGIN DELETE FROM `webhook_deliveries` WHERE `message_id` = OLD.`id`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_deliveries_endpoint_id_insert` BEFORE INSERT ON `webhook_deliveries` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webhook_deliveries.endpoint_id') WHERE NEW.`endpoint_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `webhook_endpoints` WHERE `id` = NEW.`endpoint_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_deliveries_endpoint_id_update` BEFORE UPDATE OF `endpoint_id` ON `webhook_deliveries` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webhook_deliveries.endpoint_id') WHERE NEW.`endpoint_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `webhook_endpoints` WHERE `id` = NEW.`endpoint_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_deliveries_endpoint_id_parent_delete` AFTER DELETE ON `webhook_endpoints` BEGIN DELETE FROM `webhook_deliveries` WHERE `endpoint_id` = OLD.`id`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_endpoints_publisher_id_insert` BEFORE INSERT ON `webhook_endpoints` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webhook_endpoints.publisher_id') WHERE NEW.`publisher_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `publishers` WHERE `id` = NEW.`publisher_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_endpoints_publisher_id_update` BEFORE UPDATE OF `publisher_id` ON `webhook_endpoints` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webhook_endpoints.publisher_id') WHERE NEW.`publisher_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `publishers` WHERE `id` = NEW.`publisher_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_endpoints_publisher_id_parent_delete` AFTER DELETE ON `publishers` BEGIN DELETE FROM `webhook_endpoints` WHERE `publisher_id` = OLD.`id`; END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_messages_publisher_id_insert` BEFORE INSERT ON `webhook_messages` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webhook_messages.publisher_id') WHERE NEW.`publisher_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `publishers` WHERE `id` = NEW.`publisher_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_messages_publisher_id_update` BEFORE UPDATE OF `publisher_id` ON `webhook_messages` BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: webhook_messages.publisher_id') WHERE NEW.`publisher_id` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM `publishers` WHERE `id` = NEW.`publisher_id`); END;
--> statement-breakpoint
CREATE TRIGGER IF NOT EXISTS `fk_webhook_messages_publisher_id_parent_delete` AFTER DELETE ON `publishers` BEGIN DELETE FROM `webhook_messages` WHERE `publisher_id` = OLD.`id`; END;
