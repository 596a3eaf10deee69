-- The class board's change feed (board_changes, see lib/db/schema.ts): every write that changes
-- what the board shows of an attendee notes the attendee here, whichever app instance or code path
-- made it. clock_timestamp() rather than now(): the time of the write, not of its transaction's start.
CREATE FUNCTION board_note_change(w uuid, p uuid, results boolean) RETURNS void LANGUAGE sql AS $$
  INSERT INTO board_changes AS c (workshop_id, participant_id, person_at, results_at)
  VALUES (w, p, CASE WHEN results THEN NULL ELSE clock_timestamp() END, CASE WHEN results THEN clock_timestamp() END)
  ON CONFLICT (workshop_id, participant_id) DO UPDATE SET
    person_at = CASE WHEN results THEN c.person_at ELSE excluded.person_at END,
    results_at = CASE WHEN results THEN excluded.results_at ELSE c.results_at END
$$;
--> statement-breakpoint
CREATE FUNCTION board_participant_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.workshop_id IS NOT NULL THEN
    PERFORM board_note_change(OLD.workshop_id, OLD.id, false);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.workshop_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.workshop_id IS DISTINCT FROM OLD.workshop_id) THEN
    PERFORM board_note_change(NEW.workshop_id, NEW.id, false);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER board_participants AFTER INSERT OR UPDATE OR DELETE ON participants
  FOR EACH ROW EXECUTE FUNCTION board_participant_changed();
--> statement-breakpoint
-- Connections, results and connect events belong to a participant: the board row of their workshop changed.
CREATE FUNCTION board_attendee_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pid uuid;
  w uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN pid := OLD.participant_id; ELSE pid := NEW.participant_id; END IF;
  SELECT workshop_id INTO w FROM participants WHERE id = pid;
  IF w IS NOT NULL THEN
    PERFORM board_note_change(w, pid, TG_TABLE_NAME = 'checkpoint_results');
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER board_connections AFTER INSERT OR UPDATE OR DELETE ON cluster_connections
  FOR EACH ROW EXECUTE FUNCTION board_attendee_changed();
--> statement-breakpoint
CREATE TRIGGER board_results AFTER INSERT OR UPDATE OR DELETE ON checkpoint_results
  FOR EACH ROW EXECUTE FUNCTION board_attendee_changed();
--> statement-breakpoint
CREATE TRIGGER board_connect_events AFTER INSERT ON events
  FOR EACH ROW WHEN (NEW.type IN ('connected', 'connect_failed') AND NEW.participant_id IS NOT NULL)
  EXECUTE FUNCTION board_attendee_changed();
