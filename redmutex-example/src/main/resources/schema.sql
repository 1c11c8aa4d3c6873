-- One row per order. fence is the largest fencing token that has written the row: a write
-- carrying a smaller one is refused (UPDATE ... WHERE fence < ?), so a stale lock holder cannot
-- overwrite a newer holder's work.
CREATE TABLE orders (
  id          BIGINT PRIMARY KEY,
  items       INT    NOT NULL,
  total_cents BIGINT NOT NULL,
  fence       BIGINT NOT NULL
);

-- One row per run of the scheduled report job, with the fencing token it ran under.
CREATE TABLE reports (
  run          INT    PRIMARY KEY,
  orders_total BIGINT NOT NULL,
  fence        BIGINT NOT NULL
);
