CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"key_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"role" text DEFAULT 'member' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "llm_cache" (
	"prompt_hash" text NOT NULL,
	"model" text NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "llm_cache_prompt_hash_model_pk" PRIMARY KEY("prompt_hash","model")
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "usage_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid,
	"plan_id" uuid,
	"atom_id" uuid,
	"model" text NOT NULL,
	"provider" text NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cached_tokens" integer DEFAULT 0 NOT NULL,
	"dollars" numeric(12, 6) DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discovery_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid,
	"requirements" text NOT NULL,
	"analysis" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "masterplan_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"masterplan_id" uuid NOT NULL,
	"event" text NOT NULL,
	"data" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "masterplan_milestones" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"phase_id" uuid NOT NULL,
	"ordinal" integer NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "masterplan_phases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"masterplan_id" uuid NOT NULL,
	"ordinal" integer NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "masterplan_subtasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"ordinal" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "masterplan_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"masterplan_id" uuid NOT NULL,
	"milestone_id" uuid,
	"key" text NOT NULL,
	"ordinal" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"file" text NOT NULL,
	"code" text NOT NULL,
	"depends_on" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "masterplan_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"masterplan_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "masterplans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"discovery_id" uuid,
	"name" text NOT NULL,
	"language" text NOT NULL,
	"mode" text DEFAULT 'v2' NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"input" jsonb NOT NULL,
	"tasks_remaining" integer NOT NULL,
	"atoms_remaining" integer DEFAULT 0 NOT NULL,
	"error" text,
	"output_dir" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "atom_dependencies" (
	"masterplan_id" uuid NOT NULL,
	"from_atom_id" uuid NOT NULL,
	"to_atom_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"symbol" text,
	"strength" real DEFAULT 1 NOT NULL,
	CONSTRAINT "atom_dependencies_from_atom_id_to_atom_id_kind_pk" PRIMARY KEY("from_atom_id","to_atom_id","kind")
);
--> statement-breakpoint
CREATE TABLE "atom_retry_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"atom_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"error_category" text NOT NULL,
	"message" text NOT NULL,
	"tokens" integer DEFAULT 0 NOT NULL,
	"dollars" numeric(12, 6) DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "atomic_units" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"masterplan_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"ordinal" integer NOT NULL,
	"file" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"start_byte" integer NOT NULL,
	"end_byte" integer NOT NULL,
	"start_line" integer NOT NULL,
	"end_line" integer NOT NULL,
	"loc" integer NOT NULL,
	"complexity" integer DEFAULT 1 NOT NULL,
	"defines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"uses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"draft_code" text NOT NULL,
	"code" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"pending_prerequisites" integer DEFAULT 0 NOT NULL,
	"cycle_group" integer,
	"confidence" real,
	"failed_level" text,
	"diagnostics" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dependency_graphs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"masterplan_id" uuid NOT NULL,
	"atom_count" integer NOT NULL,
	"edge_count" integer NOT NULL,
	"wave_count" integer NOT NULL,
	"max_parallelism" integer NOT NULL,
	"critical_path" jsonb NOT NULL,
	"cycle_groups" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dependency_graphs_masterplan_id_unique" UNIQUE("masterplan_id")
);
--> statement-breakpoint
CREATE TABLE "execution_waves" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"masterplan_id" uuid NOT NULL,
	"wave_index" integer NOT NULL,
	"atom_ids" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "human_review_queue" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"masterplan_id" uuid NOT NULL,
	"atom_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"action" text,
	"note" text,
	"resolved_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "validation_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"masterplan_id" uuid NOT NULL,
	"atom_id" uuid,
	"level" text NOT NULL,
	"scope" text NOT NULL,
	"passed" boolean NOT NULL,
	"diagnostics" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"duration_ms" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discovery_documents" ADD CONSTRAINT "discovery_documents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "masterplan_history" ADD CONSTRAINT "masterplan_history_masterplan_id_masterplans_id_fk" FOREIGN KEY ("masterplan_id") REFERENCES "public"."masterplans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "masterplan_milestones" ADD CONSTRAINT "masterplan_milestones_phase_id_masterplan_phases_id_fk" FOREIGN KEY ("phase_id") REFERENCES "public"."masterplan_phases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "masterplan_phases" ADD CONSTRAINT "masterplan_phases_masterplan_id_masterplans_id_fk" FOREIGN KEY ("masterplan_id") REFERENCES "public"."masterplans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "masterplan_subtasks" ADD CONSTRAINT "masterplan_subtasks_task_id_masterplan_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."masterplan_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "masterplan_tasks" ADD CONSTRAINT "masterplan_tasks_masterplan_id_masterplans_id_fk" FOREIGN KEY ("masterplan_id") REFERENCES "public"."masterplans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "masterplan_tasks" ADD CONSTRAINT "masterplan_tasks_milestone_id_masterplan_milestones_id_fk" FOREIGN KEY ("milestone_id") REFERENCES "public"."masterplan_milestones"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "masterplan_versions" ADD CONSTRAINT "masterplan_versions_masterplan_id_masterplans_id_fk" FOREIGN KEY ("masterplan_id") REFERENCES "public"."masterplans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "masterplans" ADD CONSTRAINT "masterplans_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "masterplans" ADD CONSTRAINT "masterplans_discovery_id_discovery_documents_id_fk" FOREIGN KEY ("discovery_id") REFERENCES "public"."discovery_documents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atom_dependencies" ADD CONSTRAINT "atom_dependencies_masterplan_id_masterplans_id_fk" FOREIGN KEY ("masterplan_id") REFERENCES "public"."masterplans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atom_dependencies" ADD CONSTRAINT "atom_dependencies_from_atom_id_atomic_units_id_fk" FOREIGN KEY ("from_atom_id") REFERENCES "public"."atomic_units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atom_dependencies" ADD CONSTRAINT "atom_dependencies_to_atom_id_atomic_units_id_fk" FOREIGN KEY ("to_atom_id") REFERENCES "public"."atomic_units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atom_retry_history" ADD CONSTRAINT "atom_retry_history_atom_id_atomic_units_id_fk" FOREIGN KEY ("atom_id") REFERENCES "public"."atomic_units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atomic_units" ADD CONSTRAINT "atomic_units_masterplan_id_masterplans_id_fk" FOREIGN KEY ("masterplan_id") REFERENCES "public"."masterplans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atomic_units" ADD CONSTRAINT "atomic_units_task_id_masterplan_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."masterplan_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dependency_graphs" ADD CONSTRAINT "dependency_graphs_masterplan_id_masterplans_id_fk" FOREIGN KEY ("masterplan_id") REFERENCES "public"."masterplans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "execution_waves" ADD CONSTRAINT "execution_waves_masterplan_id_masterplans_id_fk" FOREIGN KEY ("masterplan_id") REFERENCES "public"."masterplans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "human_review_queue" ADD CONSTRAINT "human_review_queue_masterplan_id_masterplans_id_fk" FOREIGN KEY ("masterplan_id") REFERENCES "public"."masterplans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "human_review_queue" ADD CONSTRAINT "human_review_queue_atom_id_atomic_units_id_fk" FOREIGN KEY ("atom_id") REFERENCES "public"."atomic_units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_results" ADD CONSTRAINT "validation_results_masterplan_id_masterplans_id_fk" FOREIGN KEY ("masterplan_id") REFERENCES "public"."masterplans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "validation_results" ADD CONSTRAINT "validation_results_atom_id_atomic_units_id_fk" FOREIGN KEY ("atom_id") REFERENCES "public"."atomic_units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_idx" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "usage_events_tenant_idx" ON "usage_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "usage_events_plan_idx" ON "usage_events" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "masterplan_history_plan_idx" ON "masterplan_history" USING btree ("masterplan_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "masterplan_milestones_ordinal_idx" ON "masterplan_milestones" USING btree ("phase_id","ordinal");--> statement-breakpoint
CREATE UNIQUE INDEX "masterplan_phases_ordinal_idx" ON "masterplan_phases" USING btree ("masterplan_id","ordinal");--> statement-breakpoint
CREATE UNIQUE INDEX "masterplan_subtasks_ordinal_idx" ON "masterplan_subtasks" USING btree ("task_id","ordinal");--> statement-breakpoint
CREATE UNIQUE INDEX "masterplan_tasks_key_idx" ON "masterplan_tasks" USING btree ("masterplan_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "masterplan_tasks_file_idx" ON "masterplan_tasks" USING btree ("masterplan_id","file");--> statement-breakpoint
CREATE UNIQUE INDEX "masterplan_versions_version_idx" ON "masterplan_versions" USING btree ("masterplan_id","version");--> statement-breakpoint
CREATE INDEX "masterplans_tenant_idx" ON "masterplans" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "masterplans_status_idx" ON "masterplans" USING btree ("status");--> statement-breakpoint
CREATE INDEX "atom_dependencies_to_idx" ON "atom_dependencies" USING btree ("to_atom_id");--> statement-breakpoint
CREATE INDEX "atom_dependencies_plan_idx" ON "atom_dependencies" USING btree ("masterplan_id");--> statement-breakpoint
CREATE UNIQUE INDEX "atom_retry_history_attempt_idx" ON "atom_retry_history" USING btree ("atom_id","attempt");--> statement-breakpoint
CREATE UNIQUE INDEX "atomic_units_task_ordinal_idx" ON "atomic_units" USING btree ("task_id","ordinal");--> statement-breakpoint
CREATE INDEX "atomic_units_plan_status_idx" ON "atomic_units" USING btree ("masterplan_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "execution_waves_index_idx" ON "execution_waves" USING btree ("masterplan_id","wave_index");--> statement-breakpoint
CREATE UNIQUE INDEX "human_review_queue_open_atom_idx" ON "human_review_queue" USING btree ("atom_id") WHERE "human_review_queue"."status" = 'open';--> statement-breakpoint
CREATE INDEX "human_review_queue_plan_idx" ON "human_review_queue" USING btree ("masterplan_id");--> statement-breakpoint
CREATE INDEX "validation_results_plan_idx" ON "validation_results" USING btree ("masterplan_id","level");