-- Why a session failed (the exception or the actor's exit reason), kept with its row; NULL for
-- a session that did not fail.

ALTER TABLE sessions ADD COLUMN failure TEXT;
