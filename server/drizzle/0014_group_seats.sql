ALTER TABLE "order_items" ADD COLUMN "dropped_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "group_refund_dues" ADD COLUMN "refund_id" integer;--> statement-breakpoint
ALTER TABLE "group_refund_dues" ADD CONSTRAINT "group_refund_dues_refund_id_refunds_id_fk" FOREIGN KEY ("refund_id") REFERENCES "public"."refunds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "group_refund_dues_refund_id_index" ON "group_refund_dues" USING btree ("refund_id");