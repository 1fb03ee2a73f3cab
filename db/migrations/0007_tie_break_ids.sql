ALTER TABLE `changes` ADD `run_event` text;--> statement-breakpoint
ALTER TABLE `changes` ADD `repo_event` text;--> statement-breakpoint
ALTER TABLE `changes` ADD `branch_event` text;--> statement-breakpoint
ALTER TABLE `defects` ADD `opened_event` text;--> statement-breakpoint
ALTER TABLE `defects` ADD `fixed_event` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `started_event` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `ended_event` text;