ALTER TABLE "orders" ADD COLUMN "invoice_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Paid 「立即申请」 orders still without an invoice: the invoice job's catch-up pass now reads only
-- the marked ones (it used to anti-join every paid order). A constant default adds the column
-- without rewriting the table; this update touches only the few orders still waiting.
UPDATE "orders" SET "invoice_pending" = true
  WHERE "status" = 'paid' AND "refunded_fen" = 0 AND ("invoice"->>'choice') = 'now'
    AND NOT EXISTS (SELECT 1 FROM "invoices" WHERE "invoices"."order_id" = "orders"."id");--> statement-breakpoint
CREATE INDEX "orders_invoice_pending" ON "orders" USING btree ("id") WHERE "orders"."invoice_pending";
