ALTER TABLE `defects` ADD `fix_withdrawn` integer;--> statement-breakpoint
ALTER TABLE `uploads` ADD `agent` text;