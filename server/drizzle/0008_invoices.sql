CREATE TABLE "dev_mail_outbox" (
	"id" serial PRIMARY KEY NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"attachments" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoice_documents" (
	"id" serial PRIMARY KEY NOT NULL,
	"invoice_id" integer NOT NULL,
	"kind" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"reverses_document_id" integer,
	"red_reason" text,
	"title_type" text NOT NULL,
	"title" text NOT NULL,
	"taxpayer_id" text,
	"email" text NOT NULL,
	"item_name" text NOT NULL,
	"tax_code" text NOT NULL,
	"tax_rate_basis_points" integer NOT NULL,
	"amount_fen" integer NOT NULL,
	"tax_fen" integer NOT NULL,
	"state" text NOT NULL,
	"provider_ref" text,
	"number" text,
	"issued_at" timestamp with time zone,
	"fail_reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"file" "bytea",
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "invoice_documents_idempotencyKey_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "invoice_titles" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"title_type" text NOT NULL,
	"title" text NOT NULL,
	"taxpayer_id" text DEFAULT '' NOT NULL,
	"email" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" serial PRIMARY KEY NOT NULL,
	"order_id" integer NOT NULL,
	"owner_user_id" integer NOT NULL,
	"state" text NOT NULL,
	"fail_reason" text,
	"title_type" text NOT NULL,
	"title" text NOT NULL,
	"taxpayer_id" text,
	"email" text NOT NULL,
	"item_name" text NOT NULL,
	"tax_code" text NOT NULL,
	"tax_rate_basis_points" integer NOT NULL,
	"amount_fen" integer NOT NULL,
	"tax_fen" integer NOT NULL,
	"number" text,
	"issued_at" timestamp with time zone,
	"original_number" text,
	"red_number" text,
	"modifications" integer DEFAULT 0 NOT NULL,
	"reversal" text,
	"emailed_number" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoice_documents" ADD CONSTRAINT "invoice_documents_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_titles" ADD CONSTRAINT "invoice_titles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dev_mail_outbox_to_index" ON "dev_mail_outbox" USING btree ("to");--> statement-breakpoint
CREATE INDEX "invoice_documents_invoice_id_index" ON "invoice_documents" USING btree ("invoice_id");--> statement-breakpoint
CREATE INDEX "invoice_documents_due" ON "invoice_documents" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_titles_one_per_title" ON "invoice_titles" USING btree ("user_id","title_type","title","taxpayer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_one_per_order" ON "invoices" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "invoices_owner_user_id_index" ON "invoices" USING btree ("owner_user_id");