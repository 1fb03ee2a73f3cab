CREATE TABLE `team_settings` (
	`team_id` integer PRIMARY KEY NOT NULL,
	`flag_thresholds` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `events_team_type_ts` ON `events` (`team_id`,`type`,`ts`);