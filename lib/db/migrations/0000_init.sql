CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"participant_id" uuid NOT NULL,
	"es_key_id" text NOT NULL,
	"name" text NOT NULL,
	"purpose" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"invalidated_at" timestamp with time zone,
	CONSTRAINT "api_keys_purpose_check" CHECK ("api_keys"."purpose" in ('metricbeat', 'filebeat'))
);
--> statement-breakpoint
CREATE TABLE "checkpoint_results" (
	"participant_id" uuid NOT NULL,
	"checkpoint_id" text NOT NULL,
	"state" text NOT NULL,
	"detail" text,
	"error_code" text,
	"attempts" integer DEFAULT 1 NOT NULL,
	"first_done_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkpoint_results_pk" PRIMARY KEY("participant_id","checkpoint_id"),
	CONSTRAINT "checkpoint_results_state_check" CHECK ("checkpoint_results"."state" in ('pending', 'done', 'error'))
);
--> statement-breakpoint
CREATE TABLE "cluster_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"participant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"endpoint" text NOT NULL,
	"cloud_id_label" text,
	"kibana_url" text,
	"auth_type" text NOT NULL,
	"encrypted_credentials" text NOT NULL,
	"credentials_version" integer DEFAULT 1 NOT NULL,
	"practice_deployment_id" text,
	"last_status" jsonb,
	"last_status_at" timestamp with time zone,
	"last_error_code" text,
	"last_error_at" timestamp with time zone,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cluster_connections_participant_unique" UNIQUE("participant_id"),
	CONSTRAINT "cluster_connections_kind_check" CHECK ("cluster_connections"."kind" in ('cloud_id', 'url', 'practice')),
	CONSTRAINT "cluster_connections_auth_type_check" CHECK ("cluster_connections"."auth_type" in ('basic', 'api_key'))
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"participant_id" uuid,
	"workshop_id" uuid,
	"type" text NOT NULL,
	"checkpoint_id" text,
	"code" text,
	"detail" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "participants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"workshop_id" uuid,
	"auth_provider" text,
	"auth_subject" text,
	"current_chapter" smallint DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "participants_role_check" CHECK ("participants"."role" in ('attendee', 'self_paced', 'instructor'))
);
--> statement-breakpoint
CREATE TABLE "workshops" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"date" date,
	"code" text NOT NULL,
	"cluster_mode" text DEFAULT 'cloud' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "workshops_cluster_mode_check" CHECK ("workshops"."cluster_mode" in ('cloud', 'practice')),
	CONSTRAINT "workshops_status_check" CHECK ("workshops"."status" in ('open', 'closed'))
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoint_results" ADD CONSTRAINT "checkpoint_results_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cluster_connections" ADD CONSTRAINT "cluster_connections_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_workshop_id_workshops_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_workshop_id_workshops_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshops"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workshops" ADD CONSTRAINT "workshops_created_by_participants_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."participants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_participant_key_idx" ON "api_keys" USING btree ("participant_id","es_key_id");--> statement-breakpoint
CREATE INDEX "events_workshop_idx" ON "events" USING btree ("workshop_id","id");--> statement-breakpoint
CREATE INDEX "events_participant_idx" ON "events" USING btree ("participant_id","id");--> statement-breakpoint
CREATE INDEX "participants_workshop_idx" ON "participants" USING btree ("workshop_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "participants_auth_idx" ON "participants" USING btree ("auth_provider","auth_subject");--> statement-breakpoint
CREATE UNIQUE INDEX "workshops_code_upper_idx" ON "workshops" USING btree (upper("code"));--> statement-breakpoint
CREATE INDEX "workshops_created_by_idx" ON "workshops" USING btree ("created_by");