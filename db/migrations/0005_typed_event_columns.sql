CREATE TABLE `run_llm_usage` (
	`team_id` integer NOT NULL,
	`run` text NOT NULL,
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
	PRIMARY KEY(`team_id`, `run`, `model`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `events` ADD `model` text;--> statement-breakpoint
ALTER TABLE `events` ADD `input_tokens` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `output_tokens` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `cache_read_tokens` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `cache_write_tokens` integer;--> statement-breakpoint
ALTER TABLE `events` ADD `cost_usd` real;--> statement-breakpoint
ALTER TABLE `events` ADD `failed` integer;--> statement-breakpoint
-- Backfill: the typed columns and the per-run usage of events stored before they existed.
UPDATE `events` SET
	`model` = json_extract(`payload`, '$.model'),
	`input_tokens` = coalesce(json_extract(`payload`, '$.input_tokens'), 0),
	`output_tokens` = coalesce(json_extract(`payload`, '$.output_tokens'), 0),
	`cache_read_tokens` = coalesce(json_extract(`payload`, '$.cache_read_tokens'), 0),
	`cache_write_tokens` = coalesce(json_extract(`payload`, '$.cache_write_tokens'), 0),
	`cost_usd` = json_extract(`payload`, '$.cost_usd')
WHERE `type` = 'llm.call';--> statement-breakpoint
UPDATE `events` SET `failed` = coalesce(json_extract(`payload`, '$.failed'), 0) WHERE `type` = 'test.result';--> statement-breakpoint
INSERT INTO `run_llm_usage`
SELECT `team_id`, `run`, `model`, count(*),
	sum(`input_tokens`), sum(`output_tokens`), sum(`cache_read_tokens`), sum(`cache_write_tokens`),
	total(`cost_usd`), sum(`cost_usd` IS NULL),
	sum(CASE WHEN `cost_usd` IS NULL THEN `input_tokens` ELSE 0 END),
	sum(CASE WHEN `cost_usd` IS NULL THEN `output_tokens` ELSE 0 END),
	sum(CASE WHEN `cost_usd` IS NULL THEN `cache_read_tokens` ELSE 0 END),
	sum(CASE WHEN `cost_usd` IS NULL THEN `cache_write_tokens` ELSE 0 END)
FROM `events` WHERE `type` = 'llm.call' AND `run` IS NOT NULL
GROUP BY `team_id`, `run`, `model`;
