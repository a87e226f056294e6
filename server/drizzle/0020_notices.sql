CREATE TABLE "conversation_messages" (
	"id" serial PRIMARY KEY NOT NULL,
	"openid" text NOT NULL,
	"user_id" integer,
	"direction" text NOT NULL,
	"content" text NOT NULL,
	"wechat_msg_id" text,
	"staff_id" integer,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notice_outbox" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_key" text NOT NULL,
	"user_id" integer NOT NULL,
	"kind" text NOT NULL,
	"data" jsonb NOT NULL,
	"path" text NOT NULL,
	"template_id" text,
	"state" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"claimed_until" timestamp with time zone,
	"last_error_code" integer,
	"last_error_reason" text,
	"msgid" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notice_subscriptions" (
	"openid" text NOT NULL,
	"template_id" text NOT NULL,
	"remaining" integer DEFAULT 0 NOT NULL,
	"rejected" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notice_subscriptions_openid_template_id_pk" PRIMARY KEY("openid","template_id")
);
--> statement-breakpoint
CREATE TABLE "wechat_push_receipts" (
	"key" text PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversation_messages" ADD CONSTRAINT "conversation_messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_outbox" ADD CONSTRAINT "notice_outbox_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_messages_openid_created_at_index" ON "conversation_messages" USING btree ("openid","created_at");--> statement-breakpoint
CREATE INDEX "conversation_messages_user_id_index" ON "conversation_messages" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_messages_msgid" ON "conversation_messages" USING btree ("wechat_msg_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notice_outbox_event_user" ON "notice_outbox" USING btree ("event_key","user_id");--> statement-breakpoint
CREATE INDEX "notice_outbox_due" ON "notice_outbox" USING btree ("next_attempt_at") WHERE "notice_outbox"."state" in ('queued', 'sending');--> statement-breakpoint
CREATE INDEX "notice_outbox_user_id_kind_created_at_index" ON "notice_outbox" USING btree ("user_id","kind","created_at");