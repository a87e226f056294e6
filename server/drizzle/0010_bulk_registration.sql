CREATE TABLE "bulk_registered_users" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"bulk_registration_id" integer NOT NULL,
	"unit_name" text NOT NULL,
	"sms_sent" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bulk_registrations" (
	"id" serial PRIMARY KEY NOT NULL,
	"staff" text NOT NULL,
	"source" text NOT NULL,
	"file_name" text NOT NULL,
	"file_sha256" text NOT NULL,
	"rows" integer NOT NULL,
	"created" integer NOT NULL,
	"existed" integer NOT NULL,
	"invalid" integer NOT NULL,
	"sms_failed" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "must_change_password" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "bulk_registered_users" ADD CONSTRAINT "bulk_registered_users_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_registered_users" ADD CONSTRAINT "bulk_registered_users_bulk_registration_id_bulk_registrations_id_fk" FOREIGN KEY ("bulk_registration_id") REFERENCES "public"."bulk_registrations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bulk_registrations_created_at_index" ON "bulk_registrations" USING btree ("created_at");