CREATE TABLE "account_closures" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"status" text NOT NULL,
	"blockers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" text,
	"staff_id" integer,
	"note" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "account_closures_userId_unique" UNIQUE("user_id")
);
--> statement-breakpoint
ALTER TABLE "account_closures" ADD CONSTRAINT "account_closures_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_closures" ADD CONSTRAINT "account_closures_staff_id_staff_users_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_closures_status_updated_at_index" ON "account_closures" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "account_closures_staff_id_index" ON "account_closures" USING btree ("staff_id");