ALTER TABLE `uploads` ADD `agent` text;--> statement-breakpoint
CREATE INDEX `uploads_team_agent` ON `uploads` (`team_id`,`agent`,`created_at`);