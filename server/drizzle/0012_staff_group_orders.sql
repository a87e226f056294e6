CREATE TABLE "staff_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"staff_id" integer NOT NULL,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"token_version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_at" timestamp with time zone,
	CONSTRAINT "staff_users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "group_check_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"buyer_user_id" integer NOT NULL,
	"project_id" integer NOT NULL,
	"failures" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "group_order_transfers" (
	"order_id" integer PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"confirmed_at" timestamp with time zone,
	"confirmed_by_staff_id" integer,
	"received_fen" integer,
	"bank_serial" text,
	CONSTRAINT "group_order_transfers_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "group_refund_dues" (
	"id" serial PRIMARY KEY NOT NULL,
	"order_id" integer NOT NULL,
	"reason" text NOT NULL,
	"learner_user_id" integer,
	"payment_ref" text,
	"amount_fen" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"refunded_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "staff_audit_log" ADD CONSTRAINT "staff_audit_log_staff_id_staff_users_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_check_runs" ADD CONSTRAINT "group_check_runs_buyer_user_id_users_id_fk" FOREIGN KEY ("buyer_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_check_runs" ADD CONSTRAINT "group_check_runs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_order_transfers" ADD CONSTRAINT "group_order_transfers_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_order_transfers" ADD CONSTRAINT "group_order_transfers_confirmed_by_staff_id_staff_users_id_fk" FOREIGN KEY ("confirmed_by_staff_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_refund_dues" ADD CONSTRAINT "group_refund_dues_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_refund_dues" ADD CONSTRAINT "group_refund_dues_learner_user_id_users_id_fk" FOREIGN KEY ("learner_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "staff_audit_log_staff_id_created_at_index" ON "staff_audit_log" USING btree ("staff_id","created_at");--> statement-breakpoint
CREATE INDEX "staff_audit_log_target_index" ON "staff_audit_log" USING btree ("target");--> statement-breakpoint
CREATE INDEX "group_check_runs_expires_at_index" ON "group_check_runs" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "group_refund_dues_order_id_index" ON "group_refund_dues" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "group_refund_dues_one_per_learner" ON "group_refund_dues" USING btree ("order_id","learner_user_id") WHERE "group_refund_dues"."learner_user_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "group_refund_dues_one_per_payment" ON "group_refund_dues" USING btree ("order_id","payment_ref") WHERE "group_refund_dues"."payment_ref" is not null;