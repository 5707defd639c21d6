CREATE TABLE "mode_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"default_mode" text DEFAULT 'v2' NOT NULL,
	"rollout_percent" numeric(5, 2),
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mode_settings_one_row" CHECK ("mode_settings"."id" = 1),
	CONSTRAINT "mode_settings_rollout_range" CHECK ("mode_settings"."rollout_percent" is null or "mode_settings"."rollout_percent" between 0 and 100)
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "mode_override" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "task_id" uuid;--> statement-breakpoint
ALTER TABLE "masterplan_tasks" ADD COLUMN "attempt" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "masterplan_tasks" ADD COLUMN "generated_code" text;--> statement-breakpoint
ALTER TABLE "masterplans" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
UPDATE "masterplans" SET "started_at" = "created_at" WHERE "status" <> 'queued';