CREATE TABLE "plan_retrievals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"masterplan_id" uuid NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"rank" integer NOT NULL,
	"source" text NOT NULL,
	"source_id" text NOT NULL,
	"file" text NOT NULL,
	"name" text NOT NULL,
	"language" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"code" text NOT NULL,
	"score" real NOT NULL,
	"tokens" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "masterplans" ADD COLUMN "rag_indexed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "plan_retrievals" ADD CONSTRAINT "plan_retrievals_masterplan_id_masterplans_id_fk" FOREIGN KEY ("masterplan_id") REFERENCES "public"."masterplans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "plan_retrievals_subject_rank_idx" ON "plan_retrievals" USING btree ("subject_id","rank");--> statement-breakpoint
CREATE INDEX "plan_retrievals_plan_idx" ON "plan_retrievals" USING btree ("masterplan_id");