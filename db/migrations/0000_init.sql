CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`scopes` text NOT NULL,
	`name` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_team` ON `api_tokens` (`team_id`);--> statement-breakpoint
CREATE TABLE `change_events` (
	`team_id` integer NOT NULL,
	`change` text NOT NULL,
	`kind` text NOT NULL,
	`ts` integer NOT NULL,
	`event_id` text NOT NULL,
	`lines` integer,
	`by` text,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `change_events_team_change` ON `change_events` (`team_id`,`change`,`ts`);--> statement-breakpoint
CREATE TABLE `changes` (
	`team_id` integer NOT NULL,
	`change` text NOT NULL,
	`first_event_at` integer NOT NULL,
	`opened_at` integer,
	`merged_at` integer,
	`closed_at` integer,
	`run` text,
	`run_at` integer,
	`repo` text,
	`repo_at` integer,
	`branch` text,
	`branch_at` integer,
	`title` text,
	`additions` integer,
	`deletions` integer,
	PRIMARY KEY(`team_id`, `change`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `changes_team_merged` ON `changes` (`team_id`,`merged_at`);--> statement-breakpoint
CREATE INDEX `changes_team_run` ON `changes` (`team_id`,`run`);--> statement-breakpoint
CREATE INDEX `changes_team_repo_branch` ON `changes` (`team_id`,`repo`,`branch`);--> statement-breakpoint
CREATE TABLE `daily_events` (
	`team_id` integer NOT NULL,
	`day` integer NOT NULL,
	`type` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`team_id`, `day`, `type`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `daily_llm_usage` (
	`team_id` integer NOT NULL,
	`day` integer NOT NULL,
	`model` text NOT NULL,
	`calls` integer NOT NULL,
	`input_tokens` integer NOT NULL,
	`output_tokens` integer NOT NULL,
	`cache_read_tokens` integer NOT NULL,
	`cache_write_tokens` integer NOT NULL,
	`explicit_cost_usd` real NOT NULL,
	`costless_calls` integer NOT NULL,
	`costless_input_tokens` integer NOT NULL,
	`costless_output_tokens` integer NOT NULL,
	`costless_cache_read_tokens` integer NOT NULL,
	`costless_cache_write_tokens` integer NOT NULL,
	PRIMARY KEY(`team_id`, `day`, `model`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `defect_links` (
	`team_id` integer NOT NULL,
	`defect` text NOT NULL,
	`change` text NOT NULL,
	`ts` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `defect_links_team_change` ON `defect_links` (`team_id`,`change`,`ts`);--> statement-breakpoint
CREATE TABLE `defects` (
	`team_id` integer NOT NULL,
	`defect` text NOT NULL,
	`opened_at` integer,
	`severity` text,
	`fixed_at` integer,
	`fix_change` text,
	PRIMARY KEY(`team_id`, `defect`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `defects_team_opened` ON `defects` (`team_id`,`opened_at`);--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`team_id` integer NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`ts` integer NOT NULL,
	`run` text,
	`upload_id` integer,
	`payload` text NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_team_id` ON `events` (`team_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_team_run_ts` ON `events` (`team_id`,`run`,`ts`);--> statement-breakpoint
CREATE TABLE `runs` (
	`team_id` integer NOT NULL,
	`run` text NOT NULL,
	`started_at` integer,
	`agent` text,
	`model` text,
	`repo` text,
	`branch` text,
	`task` text,
	`ended_at` integer,
	`status` text,
	`first_event_at` integer NOT NULL,
	`last_event_at` integer NOT NULL,
	`iterations` integer DEFAULT 0 NOT NULL,
	`llm_calls` integer DEFAULT 0 NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`tool_calls` integer DEFAULT 0 NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`test_results` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`team_id`, `run`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `runs_team_last` ON `runs` (`team_id`,`last_event_at`);--> statement-breakpoint
CREATE INDEX `runs_team_ended` ON `runs` (`team_id`,`ended_at`);--> statement-breakpoint
CREATE INDEX `runs_team_repo_branch_started` ON `runs` (`team_id`,`repo`,`branch`,`started_at`);--> statement-breakpoint
CREATE TABLE `teams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `teams_slug_unique` ON `teams` (`slug`);--> statement-breakpoint
CREATE TABLE `uploads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`team_id` integer,
	`source` text NOT NULL,
	`filename` text,
	`format` text NOT NULL,
	`bytes` integer NOT NULL,
	`accepted` integer NOT NULL,
	`duplicates` integer NOT NULL,
	`rejected` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `uploads_team` ON `uploads` (`team_id`,`created_at`);