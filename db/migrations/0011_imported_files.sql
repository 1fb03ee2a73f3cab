CREATE TABLE `imported_files` (
	`team_id` integer NOT NULL,
	`path` text NOT NULL,
	`size` integer NOT NULL,
	`mtime_ms` integer NOT NULL,
	`hash` text NOT NULL,
	`read_to` integer NOT NULL,
	`lines` integer NOT NULL,
	`upload_id` integer,
	`imported_at` integer NOT NULL,
	PRIMARY KEY(`team_id`, `path`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
