ALTER TABLE "human_review_queue" ALTER COLUMN "atom_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "human_review_queue" ADD COLUMN "test_file" text;--> statement-breakpoint
CREATE UNIQUE INDEX "human_review_queue_open_test_idx" ON "human_review_queue" USING btree ("masterplan_id","test_file") WHERE "human_review_queue"."status" = 'open' and "human_review_queue"."test_file" is not null;--> statement-breakpoint
ALTER TABLE "human_review_queue" ADD CONSTRAINT "human_review_queue_one_subject" CHECK (("human_review_queue"."atom_id" is null) <> ("human_review_queue"."test_file" is null));