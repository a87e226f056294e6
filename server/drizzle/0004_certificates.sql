CREATE TABLE "certificate_files" (
	"certificate_id" integer NOT NULL,
	"render_version" text NOT NULL,
	"kind" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "certificate_files_certificate_id_render_version_kind_pk" PRIMARY KEY("certificate_id","render_version","kind")
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" serial PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"user_id" integer NOT NULL,
	"project_id" integer NOT NULL,
	"enrollment_id" integer NOT NULL,
	"organisation_id" integer,
	"district_code" text NOT NULL,
	"organisation_kind" text NOT NULL,
	"real_name" text NOT NULL,
	"id_number" text NOT NULL,
	"project_title" text NOT NULL,
	"year" integer NOT NULL,
	"hours" numeric(6, 1) NOT NULL,
	"organisation_name" text NOT NULL,
	"issuer_name" text NOT NULL,
	"issued_on" text NOT NULL,
	"signature" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "certificates_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"credit_code" text,
	"district_code" text NOT NULL,
	"is_sample" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organisations_name_unique" UNIQUE("name"),
	CONSTRAINT "organisations_creditCode_unique" UNIQUE("credit_code")
);
--> statement-breakpoint
CREATE TABLE "verify_rate_limits" (
	"key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer NOT NULL,
	CONSTRAINT "verify_rate_limits_key_window_start_pk" PRIMARY KEY("key","window_start")
);
--> statement-breakpoint
ALTER TABLE "certificate_files" ADD CONSTRAINT "certificate_files_certificate_id_certificates_id_fk" FOREIGN KEY ("certificate_id") REFERENCES "public"."certificates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_one_per_project" ON "certificates" USING btree ("user_id","project_id");--> statement-breakpoint
CREATE INDEX "certificates_project_id_index" ON "certificates" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "certificates_enrollment_id_index" ON "certificates" USING btree ("enrollment_id");--> statement-breakpoint
CREATE INDEX "certificates_organisation_id_index" ON "certificates" USING btree ("organisation_id");--> statement-breakpoint
CREATE INDEX "certificates_district_code_index" ON "certificates" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "organisations_district_code_index" ON "organisations" USING btree ("district_code");--> statement-breakpoint
CREATE INDEX "verify_rate_limits_window_start_index" ON "verify_rate_limits" USING btree ("window_start");