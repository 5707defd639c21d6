ALTER TABLE "usage_events" ADD COLUMN "discovery_id" uuid;--> statement-breakpoint
ALTER TABLE "discovery_documents" ADD COLUMN "status" text DEFAULT 'stored' NOT NULL;--> statement-breakpoint
ALTER TABLE "discovery_documents" ADD COLUMN "error" text;--> statement-breakpoint
ALTER TABLE "discovery_documents" ADD COLUMN "model" text;--> statement-breakpoint
ALTER TABLE "discovery_documents" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "discovery_documents" ADD COLUMN "input_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "discovery_documents" ADD COLUMN "output_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "discovery_documents" ADD COLUMN "dollars" numeric(12, 6) DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "discovery_documents" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;