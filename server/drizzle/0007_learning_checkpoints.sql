-- Progress credited before the checkpoints existed counts as checked: three wrong 防挂机 answers in a row take a chapter back no further than where it stands now (docs/learning.md).
UPDATE "chapter_progress" SET "checkpoint_ms" = "furthest_ms" WHERE "checkpoint_epoch" = 0 AND "checkpoint_ms" = 0;
