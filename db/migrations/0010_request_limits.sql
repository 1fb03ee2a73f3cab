CREATE TABLE `request_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`tokens` real,
	`updated_at` integer NOT NULL
);
