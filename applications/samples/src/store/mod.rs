//! Persistence of the samples app: SQLite by default, PostgreSQL when
//! `DATABASE_URL` names one (see [`crate::settings`]).
//!
//! The two backends sit behind one [`Store`], a small enum over their
//! pools, rather than sqlx's `Any` driver: each keeps its own migrations
//! (`migrations/sqlite`, `migrations/postgres`, embedded at build time)
//! and its native types, while the statements, written once with `$n`
//! placeholders that both understand, run on either.
//!
//! Every failure of the database is a [`SamplesError::StoreUnavailable`],
//! answered 503 with `Retry-After`: each write is one statement, so a
//! failed one changed nothing and a retry is safe.

pub mod sampleresources;

use std::io;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::Connection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tokio::sync::OnceCell;

use crate::error::SamplesError;
use crate::settings::{Backend, StoreSettings};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The database file inside `SAMPLES_DATA_DIR`.
pub const SQLITE_FILE: &str = "samples.db";

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A handle on the database; cheap to clone, shared by every worker.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    migrated: Arc<OnceCell<()>>,
}

/// Runs `$body` with `$pool` bound to whichever pool the store holds; the
/// body is compiled once per backend.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store.ready().await? {
            crate::store::PoolRef::Sqlite($pool) => $body,
            crate::store::PoolRef::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// A borrowed pool, for [`with_pool`].
pub(crate) enum PoolRef<'a> {
    Sqlite(&'a SqlitePool),
    Postgres(&'a PgPool),
}

impl Store {
    /// Opens the store `settings` describe and brings its schema up to
    /// date; fails when the database cannot be reached.
    pub async fn connect(settings: &StoreSettings) -> Result<Self, SamplesError> {
        if let Backend::Postgres { url } = &settings.backend {
            probe_postgres(url.expose_secret(), settings.timeout).await?;
        }
        let store = Self::open(settings)?;
        store.ready().await?;
        Ok(store)
    }

    /// Prepares the store without touching the database: connections are
    /// made, and migrations run, on first use.
    pub fn open(settings: &StoreSettings) -> Result<Self, SamplesError> {
        let pool = match &settings.backend {
            Backend::Sqlite { data_dir } => {
                std::fs::create_dir_all(data_dir).map_err(|source| {
                    SamplesError::DataDirectory { path: data_dir.clone(), source }
                })?;
                let options = SqliteConnectOptions::new()
                    .filename(data_dir.join(SQLITE_FILE))
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(settings.timeout);
                Pool::Sqlite(sqlite_pool(settings).connect_lazy_with(options))
            }
            Backend::Memory => {
                // One connection, never recycled: it is the database.
                let options = SqliteConnectOptions::new().in_memory(true);
                let pool = sqlite_pool(settings)
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None);
                Pool::Sqlite(pool.connect_lazy_with(options))
            }
            Backend::Postgres { url } => {
                let options = PgConnectOptions::from_str(url.expose_secret())
                    .map_err(SamplesError::StoreUnavailable)?;
                let pool = PgPoolOptions::new()
                    .max_connections(settings.max_connections)
                    .acquire_timeout(settings.timeout);
                Pool::Postgres(pool.connect_lazy_with(options))
            }
        };
        Ok(Self { pool, migrated: Arc::new(OnceCell::new()) })
    }

    /// A store in memory, for tests and demos.
    ///
    /// Limitation: its data is lost when the app stops or the single
    /// connection holding it fails; use a data directory to keep it.
    pub fn in_memory() -> Self {
        let settings = StoreSettings::with_backend(Backend::Memory);
        Self::open(&settings).expect("an in-memory store needs no directory or URL")
    }

    /// Which backend this is, for the log; never the URL.
    pub fn backend_name(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Closes every connection; later calls fail as unavailable.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    /// The pool, once the schema is up to date. A failed migration is
    /// retried by the next call.
    async fn ready(&self) -> Result<PoolRef<'_>, SamplesError> {
        self.migrated.get_or_try_init(|| self.migrate()).await?;
        Ok(match &self.pool {
            Pool::Sqlite(pool) => PoolRef::Sqlite(pool),
            Pool::Postgres(pool) => PoolRef::Postgres(pool),
        })
    }

    async fn migrate(&self) -> Result<(), SamplesError> {
        let result = match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        };
        result.map_err(SamplesError::StoreMigration)?;
        tracing::info!(backend = self.backend_name(), "store schema up to date");
        Ok(())
    }
}

/// Opens and closes one connection to PostgreSQL. When the database cannot
/// be reached the pool says only that it timed out; a direct connection
/// names the cause (refused, unknown host, wrong password).
async fn probe_postgres(url: &str, timeout: Duration) -> Result<(), SamplesError> {
    let options = PgConnectOptions::from_str(url).map_err(SamplesError::StoreUnavailable)?;
    let connecting = tokio::time::timeout(timeout, PgConnection::connect_with(&options)).await;
    let connection = connecting.map_err(|_| {
        let message = format!("PostgreSQL did not answer within {} s", timeout.as_secs_f32());
        let timed_out = io::Error::new(io::ErrorKind::TimedOut, message);
        SamplesError::StoreUnavailable(sqlx::Error::Io(timed_out))
    })?;
    let connection = connection.map_err(SamplesError::StoreUnavailable)?;
    // The probe did its work; a failure to say goodbye changes nothing.
    let _ = connection.close().await;
    Ok(())
}

fn sqlite_pool(settings: &StoreSettings) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.timeout)
}
