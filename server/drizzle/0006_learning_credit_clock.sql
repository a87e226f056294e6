DROP INDEX "playback_sessions_user_id_index";--> statement-breakpoint
ALTER TABLE "anti_idle_state" ADD COLUMN "pending_chapter_id" integer;--> statement-breakpoint
ALTER TABLE "anti_idle_state" ADD COLUMN "correct_answers" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "anti_idle_state" ADD COLUMN "wrong_in_a_row" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "anti_idle_state" ADD COLUMN "credit_clock_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "chapter_progress" ADD COLUMN "checkpoint_ms" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "chapter_progress" ADD COLUMN "checkpoint_epoch" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "anti_idle_state" ADD CONSTRAINT "anti_idle_state_pending_chapter_id_chapters_id_fk" FOREIGN KEY ("pending_chapter_id") REFERENCES "public"."chapters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "anti_idle_state_pending_chapter_id_index" ON "anti_idle_state" USING btree ("pending_chapter_id");--> statement-breakpoint
CREATE INDEX "playback_sessions_user_id_opened_at_index" ON "playback_sessions" USING btree ("user_id","opened_at");