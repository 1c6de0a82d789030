-- Sample resources: two numbers and the user who created them.
-- AUTOINCREMENT keeps ids of deleted rows from ever being handed out again.
CREATE TABLE sample_resources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    a REAL NOT NULL,
    b REAL,
    created_by TEXT NOT NULL
);
