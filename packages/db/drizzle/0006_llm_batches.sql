CREATE TABLE "llm_batch_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid,
	"plan_id" uuid NOT NULL,
	"atom_id" uuid,
	"task_id" uuid,
	"attempt" integer NOT NULL,
	"prompt_hash" text NOT NULL,
	"model" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"batch_id" text,
	"lease_until" timestamp with time zone NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "channel" text DEFAULT 'standard' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "llm_batch_requests_open_prompt_idx" ON "llm_batch_requests" USING btree ("prompt_hash","model") WHERE "llm_batch_requests"."state" in ('pending', 'submitted');--> statement-breakpoint
CREATE INDEX "llm_batch_requests_state_batch_idx" ON "llm_batch_requests" USING btree ("state","batch_id");