ALTER TABLE "refresh_tokens" ADD COLUMN "parent_hash" text;--> statement-breakpoint
CREATE INDEX "refresh_tokens_parent_hash_index" ON "refresh_tokens" USING btree ("parent_hash");--> statement-breakpoint
ALTER TABLE "auth_throttles" DROP COLUMN "locked_until";