-- Sample resources: two numbers and the user who created them.
-- An identity column never hands out the id of a deleted row again.
CREATE TABLE sample_resources (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    a DOUBLE PRECISION NOT NULL,
    b DOUBLE PRECISION,
    created_by TEXT NOT NULL
);
