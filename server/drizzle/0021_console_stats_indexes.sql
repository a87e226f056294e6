CREATE INDEX "users_created_at_idx" ON "users" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "orders_paid_at_index" ON "orders" USING btree ("paid_at");--> statement-breakpoint
CREATE INDEX "refunds_succeeded_at_index" ON "refunds" USING btree ("succeeded_at");--> statement-breakpoint
CREATE INDEX "staff_audit_log_action_created_at_index" ON "staff_audit_log" USING btree ("action","created_at");--> statement-breakpoint
CREATE INDEX "staff_audit_log_created_at_index" ON "staff_audit_log" USING btree ("created_at");