CREATE TABLE "credited_segments" (
	"session_id" uuid NOT NULL,
	"from_seq" integer NOT NULL,
	"to_seq" integer NOT NULL,
	"user_id" integer NOT NULL,
	"chapter_id" integer NOT NULL,
	"from_ms" integer NOT NULL,
	"to_ms" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL,
	"credited_ms" integer NOT NULL,
	"questions_asked" integer DEFAULT 0 NOT NULL,
	"answered_right" integer DEFAULT 0 NOT NULL,
	"answered_wrong" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "credited_segments_session_id_from_seq_pk" PRIMARY KEY("session_id","from_seq")
);
--> statement-breakpoint
-- Hand-written (drizzle-kit cannot declare partitioning): progress_reports becomes a table
-- PARTITIONED BY RANGE (received_at), one partition per UTC day. The existing table is attached
-- whole as the partition of everything before a cut-off, without rewriting or scanning it, when the
-- operator prepared it beforehand (docs/deployment.md, "Migrating progress_reports"):
--   CHECK constraint progress_reports_before_partitioning (received_at < cut-off), validated;
--   UNIQUE INDEX progress_reports_legacy_key (session_id, seq, received_at), built concurrently.
-- Without them (a development or test database) this creates both itself, with the cut-off at the
-- start of the next UTC day.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'progress_reports'::regclass AND conname = 'progress_reports_before_partitioning') THEN
    EXECUTE format('ALTER TABLE progress_reports ADD CONSTRAINT progress_reports_before_partitioning CHECK (received_at < %L::timestamptz)',
      date_trunc('day', now(), 'UTC') + interval '1 day');
  END IF;
  IF to_regclass('progress_reports_legacy_key') IS NULL THEN
    CREATE UNIQUE INDEX progress_reports_legacy_key ON progress_reports (session_id, seq, received_at);
  END IF;
  -- The partition's key must match the parent's: swap to the prepared index (no scan, no build).
  ALTER TABLE progress_reports DROP CONSTRAINT progress_reports_session_id_seq_pk,
    ADD CONSTRAINT progress_reports_legacy_key PRIMARY KEY USING INDEX progress_reports_legacy_key;
END $$;--> statement-breakpoint
ALTER TABLE "progress_reports" RENAME TO "progress_reports_legacy";--> statement-breakpoint
CREATE TABLE "progress_reports" (
	"session_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"position_ms" integer NOT NULL,
	"credited_ms" integer NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"ack" jsonb NOT NULL,
	CONSTRAINT "progress_reports_session_id_seq_received_at_pk" PRIMARY KEY("session_id","seq","received_at")
) PARTITION BY RANGE ("received_at");--> statement-breakpoint
ALTER TABLE "progress_reports" ADD CONSTRAINT "progress_reports_session_id_playback_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."playback_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The old rows become one partition (its validated CHECK proves the bound: no scan), then the days
-- up to a week ahead get their own partitions; the progress-history job keeps a week ahead. No
-- DEFAULT partition: it would silently collect rows, and PostgreSQL refuses DETACH CONCURRENTLY
-- on a table that has one (docs/deployment.md).
DO $$
DECLARE
  cutoff timestamptz;
  day timestamptz;
BEGIN
  SELECT substring(pg_get_constraintdef(oid) from '''([^'']+)''')::timestamptz INTO cutoff FROM pg_constraint
    WHERE conrelid = 'progress_reports_legacy'::regclass AND conname = 'progress_reports_before_partitioning';
  EXECUTE format('ALTER TABLE progress_reports ATTACH PARTITION progress_reports_legacy FOR VALUES FROM (MINVALUE) TO (%L)', cutoff);
  ALTER TABLE progress_reports_legacy DROP CONSTRAINT progress_reports_before_partitioning;
  day := date_trunc('day', cutoff, 'UTC');
  IF day < cutoff THEN
    day := day + interval '1 day';
    EXECUTE format('CREATE TABLE progress_reports_p%s PARTITION OF progress_reports FOR VALUES FROM (%L) TO (%L)',
      to_char(cutoff AT TIME ZONE 'UTC', 'YYYYMMDD'), cutoff, day);
  END IF;
  WHILE day < greatest(cutoff, now()) + interval '8 days' LOOP
    EXECUTE format('CREATE TABLE progress_reports_p%s PARTITION OF progress_reports FOR VALUES FROM (%L) TO (%L)',
      to_char(day AT TIME ZONE 'UTC', 'YYYYMMDD'), day, day + interval '1 day');
    day := day + interval '1 day';
  END LOOP;
END $$;--> statement-breakpoint
ALTER TABLE "playback_sessions" ADD COLUMN "compacted_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "playback_sessions" ADD COLUMN "compacted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "credited_segments" ADD CONSTRAINT "credited_segments_session_id_playback_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."playback_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credited_segments" ADD CONSTRAINT "credited_segments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credited_segments" ADD CONSTRAINT "credited_segments_chapter_id_chapters_id_fk" FOREIGN KEY ("chapter_id") REFERENCES "public"."chapters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credited_segments_user_id_started_at_index" ON "credited_segments" USING btree ("user_id","started_at");--> statement-breakpoint
CREATE INDEX "credited_segments_chapter_id_index" ON "credited_segments" USING btree ("chapter_id");--> statement-breakpoint
CREATE INDEX "playback_sessions_to_compact" ON "playback_sessions" USING btree ("opened_at") WHERE "playback_sessions"."compacted_at" is null;