-- Which way of deriving a lesson (merchant key and model features) from a corrected transaction
-- the stored lessons follow. When the code derives them another way (LESSON_DERIVATION in
-- src/corrections/lessons.ts), migrate() derives every stored lesson again from its transaction's
-- text and records the new version here, so corrections made before keep teaching the lines keyed
-- the new way. 0: as stored before this table existed.
CREATE TABLE lesson_derivation (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version   integer NOT NULL CHECK (version >= 0)
);
INSERT INTO lesson_derivation (version) VALUES (0);
