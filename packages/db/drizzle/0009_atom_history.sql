ALTER TABLE "atom_retry_history" ADD COLUMN "answer" text;--> statement-breakpoint
ALTER TABLE "atomic_units" ADD COLUMN "confidence_features" jsonb;