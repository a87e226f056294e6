ALTER TABLE "users" ALTER COLUMN "id_number" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "phone" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "dev_sms_outbox" ALTER COLUMN "phone" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_codes" ALTER COLUMN "phone" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "certificates" ALTER COLUMN "id_number" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "group_check_runs" ALTER COLUMN "failures" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "id_number_sealed" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "id_number_index" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "phone_sealed" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "phone_index" text;--> statement-breakpoint
ALTER TABLE "dev_sms_outbox" ADD COLUMN "phone_index" text;--> statement-breakpoint
ALTER TABLE "sms_codes" ADD COLUMN "phone_index" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "id_number_sealed" text;--> statement-breakpoint
ALTER TABLE "group_check_runs" ADD COLUMN "failures_sealed" text;--> statement-breakpoint
CREATE INDEX "dev_sms_outbox_phone_index_index" ON "dev_sms_outbox" USING btree ("phone_index");--> statement-breakpoint
CREATE INDEX "sms_codes_phone_index_purpose_created_at_index" ON "sms_codes" USING btree ("phone_index","purpose","created_at");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_id_number_index_unique" UNIQUE("id_number_index");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_phone_index_unique" UNIQUE("phone_index");