CREATE TABLE "board_changes" (
	"workshop_id" uuid NOT NULL,
	"participant_id" uuid NOT NULL,
	"person_at" timestamp with time zone,
	"results_at" timestamp with time zone,
	CONSTRAINT "board_changes_pk" PRIMARY KEY("workshop_id","participant_id")
);
--> statement-breakpoint
CREATE TABLE "verifier_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "verifier_leases" (
	"workshop_id" uuid NOT NULL,
	"slice" smallint NOT NULL,
	"holder" text,
	"acquired_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "verifier_leases_pk" PRIMARY KEY("workshop_id","slice")
);
--> statement-breakpoint
ALTER TABLE "verifier_leases" ADD CONSTRAINT "verifier_leases_workshop_id_workshops_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshops"("id") ON DELETE cascade ON UPDATE no action;