-- Training database (Greenplum-compatible: Apache Cloudberry): what models are trained on.
-- Demo data only. The image runs this once, as gpadmin, in the `training` database.
-- Cloudberry speaks PostgreSQL 14 DDL plus Greenplum's DISTRIBUTED clauses.

CREATE SCHEMA cifar;
COMMENT ON SCHEMA cifar IS 'CIFAR-10-style image classification training data';

CREATE TABLE cifar.labels (
    label_id smallint PRIMARY KEY,
    label text NOT NULL UNIQUE
) DISTRIBUTED REPLICATED;
COMMENT ON TABLE cifar.labels IS 'The ten classes, copied to every segment';

CREATE TABLE cifar.images (
    image_id bigint PRIMARY KEY,
    label_id smallint NOT NULL REFERENCES cifar.labels (label_id),
    split text NOT NULL CHECK (split IN ('train', 'test')),
    width smallint NOT NULL DEFAULT 32,
    height smallint NOT NULL DEFAULT 32,
    pixels bytea
) DISTRIBUTED BY (image_id);
COMMENT ON TABLE cifar.images IS 'One row per image; pixels are demo bytes';
COMMENT ON COLUMN cifar.images.split IS 'train or test';

CREATE TABLE cifar.training_runs (
    run_id bigint NOT NULL,
    started_on date NOT NULL,
    model_name text NOT NULL,
    epochs integer NOT NULL,
    final_loss double precision
) PARTITION BY RANGE (started_on) DISTRIBUTED BY (run_id);
COMMENT ON TABLE cifar.training_runs IS 'Training runs, partitioned by month';
CREATE TABLE cifar.training_runs_2026_10 PARTITION OF cifar.training_runs
    FOR VALUES FROM ('2026-10-01') TO ('2026-11-01');
CREATE TABLE cifar.training_runs_2026_11 PARTITION OF cifar.training_runs
    FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');

CREATE TABLE cifar.events_log (
    logged_at timestamptz NOT NULL DEFAULT now(),
    message text
) DISTRIBUTED RANDOMLY;
COMMENT ON TABLE cifar.events_log IS 'Free-form training log, randomly distributed';

CREATE VIEW cifar.train_images AS
    SELECT i.image_id, l.label FROM cifar.images i JOIN cifar.labels l USING (label_id)
    WHERE i.split = 'train';

INSERT INTO cifar.labels VALUES
    (0, 'airplane'), (1, 'automobile'), (2, 'bird'), (3, 'cat'), (4, 'deer'),
    (5, 'dog'), (6, 'frog'), (7, 'horse'), (8, 'ship'), (9, 'truck');

INSERT INTO cifar.images (image_id, label_id, split)
SELECT i, (i % 10)::smallint, CASE WHEN i % 5 = 0 THEN 'test' ELSE 'train' END
FROM generate_series(1, 1000) AS i;

INSERT INTO cifar.training_runs VALUES
    (1, '2026-10-03', 'cifar10-resnet', 30, 0.41),
    (2, '2026-11-02', 'cifar10-resnet', 40, 0.33);
