ALTER TABLE "invoices" ADD COLUMN "manual_email_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "manual_email_count" integer DEFAULT 0 NOT NULL;