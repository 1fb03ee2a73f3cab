CREATE TABLE `team_import_settings` (
	`team_id` integer PRIMARY KEY NOT NULL,
	`github_webhook_secret` text,
	`bug_label` text,
	`repo_map` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`team_id` integer NOT NULL,
	`delivery_id` text NOT NULL,
	`event` text NOT NULL,
	`upload_id` integer,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`team_id`, `delivery_id`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
