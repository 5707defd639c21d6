ALTER TABLE "usage_events" ADD COLUMN "attempt" integer;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "cache_write_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "simulated" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "latency_ms" integer;--> statement-breakpoint
ALTER TABLE "masterplans" ADD COLUMN "scheduling" text DEFAULT 'eager' NOT NULL;--> statement-breakpoint
ALTER TABLE "masterplans" ADD COLUMN "budget_dollars" numeric(12, 6);--> statement-breakpoint
ALTER TABLE "masterplans" ADD COLUMN "budget_tokens" integer;--> statement-breakpoint
ALTER TABLE "masterplans" ADD COLUMN "spent_dollars" numeric(12, 6) DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "masterplans" ADD COLUMN "spent_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "atomic_units" ADD COLUMN "wave" integer;--> statement-breakpoint
ALTER TABLE "atomic_units" ADD COLUMN "ready_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "atomic_units" ADD COLUMN "settled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "execution_waves" ADD COLUMN "remaining" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "usage_events_atom_attempt_idx" ON "usage_events" USING btree ("atom_id","attempt");