-- Inference database (PostgreSQL): what online models read and write. Demo data only.
-- The postgres image runs this once, as the `inference` user, in the `inference` database.

CREATE SCHEMA serving;
COMMENT ON SCHEMA serving IS 'Models in production and the predictions they serve';
CREATE SCHEMA features;
COMMENT ON SCHEMA features IS 'Online feature store read at prediction time';

CREATE TABLE serving.model_versions (
    model_version_id serial PRIMARY KEY,
    model_name text NOT NULL,
    version text NOT NULL,
    trained_on date NOT NULL,
    accuracy numeric(5, 4),
    UNIQUE (model_name, version)
);
COMMENT ON TABLE serving.model_versions IS 'Every model version that was deployed';
COMMENT ON COLUMN serving.model_versions.accuracy IS 'Test-set accuracy at release';

CREATE TABLE serving.predictions (
    prediction_id bigserial PRIMARY KEY,
    model_version_id integer NOT NULL REFERENCES serving.model_versions (model_version_id),
    image_id bigint NOT NULL,
    predicted_label text NOT NULL,
    confidence real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    predicted_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE serving.predictions IS 'One row per served prediction';

CREATE VIEW serving.latest_predictions AS
    SELECT p.*, m.model_name, m.version
    FROM serving.predictions p JOIN serving.model_versions m USING (model_version_id)
    WHERE p.predicted_at > now() - interval '1 day';
COMMENT ON VIEW serving.latest_predictions IS 'Predictions of the last 24 hours, with their model';

CREATE TABLE features.image_embeddings (
    image_id bigint PRIMARY KEY,
    embedding real[] NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE features.image_embeddings IS 'Embeddings served to the classifier';

INSERT INTO serving.model_versions (model_name, version, trained_on, accuracy) VALUES
    ('cifar10-resnet', '1.0.0', '2026-09-01', 0.9120),
    ('cifar10-resnet', '1.1.0', '2026-10-15', 0.9254);

INSERT INTO serving.predictions (model_version_id, image_id, predicted_label, confidence)
SELECT 1 + (i % 2), i, (ARRAY['airplane', 'cat', 'dog', 'ship'])[1 + i % 4], 0.5 + (i % 50) / 100.0
FROM generate_series(1, 200) AS i;

INSERT INTO features.image_embeddings (image_id, embedding)
SELECT i, ARRAY[i / 200.0, 1 - i / 200.0, 0.5]::real[] FROM generate_series(1, 200) AS i;
