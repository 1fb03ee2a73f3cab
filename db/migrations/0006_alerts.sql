CREATE TABLE `alert_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`destination_id` integer NOT NULL,
	`kind` text NOT NULL,
	`run` text,
	`week` text,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`claimed_by` text,
	`claim_expires_at` integer,
	`last_attempt_at` integer,
	`last_http_status` integer,
	`last_answer` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`destination_id`) REFERENCES `alert_destinations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_deliveries_due` ON `alert_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_destination` ON `alert_deliveries` (`destination_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `alert_destinations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` integer NOT NULL,
	`url` text NOT NULL,
	`secret` text,
	`kinds` text NOT NULL,
	`digest` integer NOT NULL,
	`paused_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alert_destinations_team` ON `alert_destinations` (`team_id`);--> statement-breakpoint
CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL
);
