CREATE TABLE "anti_idle_state" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"credited_since_question_ms" integer DEFAULT 0 NOT NULL,
	"next_due_ms" integer NOT NULL,
	"pending_question_id" integer,
	"pending_since" timestamp with time zone,
	"last_answer_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "chapter_progress" (
	"user_id" integer NOT NULL,
	"chapter_id" integer NOT NULL,
	"credited_ms" integer DEFAULT 0 NOT NULL,
	"furthest_ms" integer DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "chapter_progress_user_id_chapter_id_pk" PRIMARY KEY("user_id","chapter_id")
);
--> statement-breakpoint
CREATE TABLE "course_completions" (
	"user_id" integer NOT NULL,
	"course_id" integer NOT NULL,
	"project_id" integer NOT NULL,
	"hours" numeric(6, 1) NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "course_completions_user_id_course_id_pk" PRIMARY KEY("user_id","course_id")
);
--> statement-breakpoint
CREATE TABLE "playback_sessions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"chapter_id" integer NOT NULL,
	"status" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"last_seq" integer DEFAULT 0 NOT NULL,
	"credited_ms" integer DEFAULT 0 NOT NULL,
	"last_client_ms" integer DEFAULT 0 NOT NULL,
	"last_report_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "progress_reports" (
	"session_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"position_ms" integer NOT NULL,
	"credited_ms" integer NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"ack" jsonb NOT NULL,
	CONSTRAINT "progress_reports_session_id_seq_pk" PRIMARY KEY("session_id","seq")
);
--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "anti_idle_state" ADD CONSTRAINT "anti_idle_state_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anti_idle_state" ADD CONSTRAINT "anti_idle_state_pending_question_id_questions_id_fk" FOREIGN KEY ("pending_question_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chapter_progress" ADD CONSTRAINT "chapter_progress_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chapter_progress" ADD CONSTRAINT "chapter_progress_chapter_id_chapters_id_fk" FOREIGN KEY ("chapter_id") REFERENCES "public"."chapters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_completions" ADD CONSTRAINT "course_completions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_completions" ADD CONSTRAINT "course_completions_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_completions" ADD CONSTRAINT "course_completions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playback_sessions" ADD CONSTRAINT "playback_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playback_sessions" ADD CONSTRAINT "playback_sessions_chapter_id_chapters_id_fk" FOREIGN KEY ("chapter_id") REFERENCES "public"."chapters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_reports" ADD CONSTRAINT "progress_reports_session_id_playback_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."playback_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "anti_idle_state_pending_question_id_index" ON "anti_idle_state" USING btree ("pending_question_id");--> statement-breakpoint
CREATE INDEX "chapter_progress_chapter_id_index" ON "chapter_progress" USING btree ("chapter_id");--> statement-breakpoint
CREATE INDEX "course_completions_course_id_index" ON "course_completions" USING btree ("course_id");--> statement-breakpoint
CREATE INDEX "course_completions_project_id_index" ON "course_completions" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "playback_sessions_user_id_index" ON "playback_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "playback_sessions_chapter_id_index" ON "playback_sessions" USING btree ("chapter_id");--> statement-breakpoint
CREATE UNIQUE INDEX "playback_sessions_one_active" ON "playback_sessions" USING btree ("user_id") WHERE "playback_sessions"."status" = 'active';