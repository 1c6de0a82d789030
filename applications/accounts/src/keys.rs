//! The key store: realm signing keys kept in the data directory.
//!
//! One JSON file, `keys.json` (mode 0600, directory 0700), holds every RSA
//! signing key as PKCS#8 PEM plus the HMAC secret that signs refresh
//! tokens. Keys therefore survive a restart and tokens issued before it
//! still verify.
//!
//! Rotation ([`rotate_key`], the `accounts rotate-key` command) adds a new
//! active key and marks the previous one retired. A retired key is
//! *passive*, as in Keycloak: it signs nothing but stays in the JWKS for
//! the grace period, so tokens it signed keep verifying until they expire.
//! A running server notices the change by comparing the file's
//! modification time, size and inode, at most once a second
//! ([`KeyStore::current`]), and swaps its key set without a restart.
//!
//! Every write goes to a temporary file that is synced and then renamed
//! over `keys.json`, so a reader sees either the old or the new file,
//! never half of one. Creation and rotation hold a lock file so two
//! rotations cannot lose each other's key.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use aws_lc_rs::digest;
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde::{Deserialize, Serialize};

use crate::epoch_seconds;

/// Name of the key file inside the data directory.
pub const KEY_FILE: &str = "keys.json";

/// Name of the lock file held while creating or rotating keys.
const LOCK_FILE: &str = "keys.lock";

/// How many retired keys the file keeps; older ones are deleted.
const MAX_RETIRED_KEYS: usize = 4;

/// How often a running server looks at the key file for a rotation.
const RELOAD_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Bytes of the refresh-token HMAC secret (HS512 wants 64).
const HMAC_SECRET_LEN: usize = 64;

/// Why the key store could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Reading or writing the data directory failed.
    #[error("cannot use the key store at {path}")]
    Io {
        /// File or directory involved.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The key file is not valid.
    #[error("the key file {path} is corrupt: {reason}")]
    Corrupt {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The crypto library failed to make a key.
    #[error("key generation failed")]
    Generation,
    /// Another process held the lock for too long.
    #[error("the key store lock {0} is held by another process")]
    Locked(PathBuf),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The key file's contents.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyFile {
    signing: Vec<StoredSigningKey>,
    hmac: StoredHmacKey,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredSigningKey {
    kid: String,
    created_at: u64,
    retired_at: Option<u64>,
    private_key_pem: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredHmacKey {
    kid: String,
    secret: String,
}

/// An RSA key that signs (active) or only verifies (passive) tokens.
pub struct SigningKey {
    /// Key id: the RFC 7638 JWK thumbprint of the public key.
    pub kid: String,
    /// Modulus, base64url without padding.
    pub modulus: String,
    /// Public exponent, base64url without padding.
    pub exponent: String,
    /// The public key as standard base64 DER SubjectPublicKeyInfo, the
    /// form of the realm's `public_key` field.
    pub public_key_der: String,
    /// When the key was retired, epoch seconds; `None` while active.
    pub retired_at: Option<u64>,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl SigningKey {
    fn from_stored(stored: &StoredSigningKey) -> Result<Self, String> {
        let der = pem_to_der(&stored.private_key_pem)?;
        let pair = KeyPair::from_pkcs8(&der)
            .map_err(|_| format!("key {} is not an RSA PKCS#8 key", stored.kid))?;
        let public = pair.public_key();
        let spki: PublicKeyX509Der = public
            .as_der()
            .map_err(|_| "cannot encode a public key".to_owned())?;
        let encoding = EncodingKey::from_rsa_pem(stored.private_key_pem.as_bytes())
            .map_err(|error| format!("key {}: {error}", stored.kid))?;
        let modulus = URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero());
        let exponent = URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero());
        let decoding = DecodingKey::from_rsa_components(&modulus, &exponent)
            .map_err(|error| format!("key {}: {error}", stored.kid))?;
        Ok(Self {
            kid: stored.kid.clone(),
            modulus,
            exponent,
            public_key_der: STANDARD.encode(spki.as_ref()),
            retired_at: stored.retired_at,
            encoding,
            decoding,
        })
    }

    /// The key that signs tokens.
    pub fn encoding_key(&self) -> &EncodingKey {
        &self.encoding
    }

    /// The key that verifies tokens.
    pub fn decoding_key(&self) -> &DecodingKey {
        &self.decoding
    }
}

/// The HMAC key that signs refresh tokens; never published.
pub struct HmacKey {
    /// Key id, in the refresh token's header.
    pub kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl HmacKey {
    fn from_stored(stored: &StoredHmacKey) -> Result<Self, String> {
        let secret = STANDARD
            .decode(&stored.secret)
            .map_err(|_| "the HMAC secret is not base64".to_owned())?;
        if secret.len() < 32 {
            return Err("the HMAC secret is shorter than 32 bytes".into());
        }
        let invalid = |error: jsonwebtoken::errors::Error| error.to_string();
        Ok(Self {
            kid: stored.kid.clone(),
            encoding: EncodingKey::from_secret(&secret).map_err(invalid)?,
            decoding: DecodingKey::from_secret(&secret).map_err(invalid)?,
        })
    }

    /// The key that signs refresh tokens.
    pub fn encoding_key(&self) -> &EncodingKey {
        &self.encoding
    }

    /// The key that verifies refresh tokens.
    pub fn decoding_key(&self) -> &DecodingKey {
        &self.decoding
    }
}

/// The keys loaded from one version of the key file.
pub struct KeySet {
    /// The key that signs new tokens.
    pub active: SigningKey,
    /// Retired keys, newest first; see [`KeySet::published`].
    retired: Vec<SigningKey>,
    /// The refresh-token key.
    pub hmac: HmacKey,
    grace: Duration,
}

impl KeySet {
    fn from_file(file: &KeyFile, grace: Duration) -> Result<Self, String> {
        let mut keys = Vec::new();
        for stored in &file.signing {
            keys.push(SigningKey::from_stored(stored)?);
        }
        let active_index = keys
            .iter()
            .rposition(|key| key.retired_at.is_none())
            .ok_or("no active signing key")?;
        let active = keys.remove(active_index);
        keys.sort_by_key(|key| std::cmp::Reverse(key.retired_at));
        Ok(Self {
            active,
            retired: keys,
            hmac: HmacKey::from_stored(&file.hmac)?,
            grace,
        })
    }

    /// Keys in the JWKS at `now`: the active one, then passive keys
    /// retired less than the grace period ago.
    pub fn published(&self, now: u64) -> impl Iterator<Item = &SigningKey> {
        let grace = self.grace.as_secs();
        let passive = self.retired.iter().filter(move |key| {
            key.retired_at
                .is_some_and(|retired| retired.saturating_add(grace) > now)
        });
        std::iter::once(&self.active).chain(passive)
    }

    /// Finds a published key by kid.
    pub fn verifying_key(&self, kid: &str, now: u64) -> Option<&SigningKey> {
        self.published(now).find(|key| key.kid == kid)
    }
}

/// Identifies one version of the key file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    modified: SystemTime,
    len: u64,
    inode: u64,
}

impl FileStamp {
    fn of(path: &Path) -> std::io::Result<Self> {
        let metadata = fs::metadata(path)?;
        Ok(Self {
            modified: metadata.modified()?,
            len: metadata.len(),
            inode: metadata.ino(),
        })
    }
}

struct Loaded {
    keys: Arc<KeySet>,
    stamp: FileStamp,
    checked_at: Instant,
}

/// The key store of a running server: the current key set, reloaded when
/// the key file changes.
pub struct KeyStore {
    path: PathBuf,
    grace: Duration,
    loaded: Mutex<Loaded>,
}

impl KeyStore {
    /// Opens the key store in `data_dir`, creating the directory and a
    /// first key when there is none.
    pub fn open(data_dir: &Path, grace: Duration) -> Result<Self, KeyError> {
        ensure_data_dir(data_dir)?;
        let path = data_dir.join(KEY_FILE);
        if !path.exists() {
            let _lock = LockGuard::acquire(data_dir)?;
            if !path.exists() {
                let file = new_key_file()?;
                write_key_file(&path, &file)?;
                tracing::info!(kid = %file.signing[0].kid, "created a signing key");
            }
        }
        warn_if_readable_by_others(&path);

        let (keys, stamp) = load(&path, grace)?;
        let loaded = Loaded {
            keys: Arc::new(keys),
            stamp,
            checked_at: Instant::now(),
        };
        Ok(Self {
            path,
            grace,
            loaded: Mutex::new(loaded),
        })
    }

    /// The current key set. Looks at the key file at most once a second
    /// and reloads it when it changed; if the new file cannot be read,
    /// keeps serving the previous keys and logs a warning.
    pub fn current(&self) -> Arc<KeySet> {
        let mut loaded = self
            .loaded
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if loaded.checked_at.elapsed() < RELOAD_CHECK_INTERVAL {
            return loaded.keys.clone();
        }
        loaded.checked_at = Instant::now();

        let changed = FileStamp::of(&self.path).map_or(true, |stamp| stamp != loaded.stamp);
        if changed {
            match load(&self.path, self.grace) {
                Ok((keys, stamp)) => {
                    tracing::info!(kid = %keys.active.kid, "reloaded the key store");
                    loaded.keys = Arc::new(keys);
                    loaded.stamp = stamp;
                }
                Err(error) => {
                    let error = anyhow::Error::from(error);
                    tracing::warn!(error = format!("{error:#}"), "kept the previous keys");
                }
            }
        }
        loaded.keys.clone()
    }
}

/// Makes a new active signing key in `data_dir` and retires the previous
/// one, which stays published for the grace period of each server.
/// Returns the new key's kid. Creates the key store if there is none.
pub fn rotate_key(data_dir: &Path) -> anyhow::Result<String> {
    ensure_data_dir(data_dir)?;
    let _lock = LockGuard::acquire(data_dir)?;
    let path = data_dir.join(KEY_FILE);
    if !path.exists() {
        let file = new_key_file()?;
        write_key_file(&path, &file)?;
        return Ok(file.signing[0].kid.clone());
    }

    let mut file = read_key_file(&path)?;
    let now = epoch_seconds();
    for key in file
        .signing
        .iter_mut()
        .filter(|key| key.retired_at.is_none())
    {
        key.retired_at = Some(now);
    }
    let new_key = new_signing_key()?;
    let kid = new_key.kid.clone();
    file.signing.push(new_key);
    prune_retired(&mut file.signing);

    write_key_file(&path, &file)?;
    Ok(kid)
}

/// Drops the oldest retired keys beyond [`MAX_RETIRED_KEYS`].
fn prune_retired(keys: &mut Vec<StoredSigningKey>) {
    let mut retired: Vec<u64> = keys.iter().filter_map(|key| key.retired_at).collect();
    if retired.len() <= MAX_RETIRED_KEYS {
        return;
    }
    retired.sort_unstable_by(|a, b| b.cmp(a));
    let oldest_kept = retired[MAX_RETIRED_KEYS - 1];
    let mut kept = 0;
    keys.retain(|key| match key.retired_at {
        None => true,
        Some(at) if at >= oldest_kept && kept < MAX_RETIRED_KEYS => {
            kept += 1;
            true
        }
        Some(_) => false,
    });
}

fn load(path: &Path, grace: Duration) -> Result<(KeySet, FileStamp), KeyError> {
    let stamp = FileStamp::of(path).map_err(io_error(path))?;
    let file = read_key_file(path)?;
    let keys = KeySet::from_file(&file, grace).map_err(|reason| KeyError::Corrupt {
        path: path.to_owned(),
        reason,
    })?;
    Ok((keys, stamp))
}

fn read_key_file(path: &Path) -> Result<KeyFile, KeyError> {
    let text = fs::read_to_string(path).map_err(io_error(path))?;
    serde_json::from_str(&text).map_err(|error| KeyError::Corrupt {
        path: path.to_owned(),
        reason: error.to_string(),
    })
}

fn new_key_file() -> Result<KeyFile, KeyError> {
    let mut secret = [0u8; HMAC_SECRET_LEN];
    SystemRandom::new()
        .fill(&mut secret)
        .map_err(|_| KeyError::Generation)?;
    let hmac = StoredHmacKey {
        kid: uuid::Uuid::new_v4().to_string(),
        secret: STANDARD.encode(secret),
    };
    Ok(KeyFile {
        signing: vec![new_signing_key()?],
        hmac,
    })
}

fn new_signing_key() -> Result<StoredSigningKey, KeyError> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generation)?;
    let pkcs8: Pkcs8V1Der = pair.as_der().map_err(|_| KeyError::Generation)?;
    let public = pair.public_key();
    let kid = jwk_thumbprint(
        &URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
        &URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
    );
    Ok(StoredSigningKey {
        kid,
        created_at: epoch_seconds(),
        retired_at: None,
        private_key_pem: der_to_pem(pkcs8.as_ref()),
    })
}

/// RFC 7638 thumbprint of an RSA JWK: SHA-256 over the required members
/// in lexical order, base64url.
fn jwk_thumbprint(modulus: &str, exponent: &str) -> String {
    let canonical = format!(r#"{{"e":"{exponent}","kty":"RSA","n":"{modulus}"}}"#);
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, canonical.as_bytes()))
}

fn der_to_pem(der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    pem
}

fn pem_to_der(pem: &str) -> Result<Vec<u8>, String> {
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    STANDARD
        .decode(body.trim())
        .map_err(|_| "a private key is not PEM".to_owned())
}

fn ensure_data_dir(data_dir: &Path) -> Result<(), KeyError> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(data_dir)
        .map_err(io_error(data_dir))
}

fn warn_if_readable_by_others(path: &Path) {
    if let Ok(metadata) = fs::metadata(path) {
        if metadata.mode() & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                "the key file is readable by others; chmod 600 it"
            );
        }
    }
}

/// Writes the key file atomically: a synced temporary file (mode 0600)
/// in the same directory is renamed over the target.
fn write_key_file(path: &Path, file: &KeyFile) -> Result<(), KeyError> {
    let json = serde_json::to_vec_pretty(file).expect("key file serializes");
    let dir = path.parent().unwrap_or(Path::new("."));
    let temp = dir.join(format!(".{KEY_FILE}.{}.tmp", uuid::Uuid::new_v4().simple()));

    let result = write_synced(&temp, &json).and_then(|()| fs::rename(&temp, path));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(io_error(path))?;

    // Persist the rename itself; not every file system supports it.
    if let Ok(dir_handle) = File::open(dir) {
        let _ = dir_handle.sync_all();
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// A lock file held while the key file is created or rotated.
struct LockGuard {
    path: PathBuf,
}

impl LockGuard {
    /// Tries for up to five seconds; a lock older than 30 seconds is
    /// treated as left behind by a crashed process and removed.
    fn acquire(data_dir: &Path) -> Result<Self, KeyError> {
        const ATTEMPTS: u32 = 100;
        const PAUSE: Duration = Duration::from_millis(50);
        const STALE_AFTER: Duration = Duration::from_secs(30);

        let path = data_dir.join(LOCK_FILE);
        for _ in 0..ATTEMPTS {
            let created = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path);
            match created {
                Ok(_) => return Ok(Self { path }),
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = fs::metadata(&path)
                        .and_then(|metadata| metadata.modified())
                        .ok()
                        .and_then(|modified| modified.elapsed().ok());
                    if age.is_some_and(|age| age > STALE_AFTER) {
                        let _ = fs::remove_file(&path);
                        continue;
                    }
                    std::thread::sleep(PAUSE);
                }
                Err(error) => return Err(io_error(&path)(error)),
            }
        }
        Err(KeyError::Locked(path))
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_GRACE: Duration = Duration::from_secs(0);

    #[test]
    fn opening_an_empty_directory_creates_a_private_key_file() {
        let dir = tempfile::tempdir().unwrap();

        let store = KeyStore::open(dir.path(), NO_GRACE).unwrap();

        let mode = fs::metadata(dir.path().join(KEY_FILE)).unwrap().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(store.current().published(epoch_seconds()).count(), 1);
    }

    #[test]
    fn reopening_keeps_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let first = KeyStore::open(dir.path(), NO_GRACE).unwrap().current();

        let second = KeyStore::open(dir.path(), NO_GRACE).unwrap().current();

        assert_eq!(first.active.kid, second.active.kid);
        assert_eq!(first.hmac.kid, second.hmac.kid);
    }

    #[test]
    fn rotation_keeps_the_old_key_published_during_the_grace() {
        let dir = tempfile::tempdir().unwrap();
        let old = KeyStore::open(dir.path(), NO_GRACE).unwrap().current();

        let kid = rotate_key(dir.path()).unwrap();

        let grace = Duration::from_secs(60);
        let keys = KeyStore::open(dir.path(), grace).unwrap().current();
        let now = epoch_seconds();
        assert_eq!(keys.active.kid, kid);
        assert!(keys.verifying_key(&old.active.kid, now).is_some());
        assert!(keys.verifying_key(&old.active.kid, now + 61).is_none());
    }

    #[test]
    fn pruning_keeps_the_newest_retired_keys() {
        let stored = |retired_at| StoredSigningKey {
            kid: format!("{retired_at:?}"),
            created_at: 0,
            retired_at,
            private_key_pem: String::new(),
        };
        let mut keys: Vec<_> = (1..=6).map(|at| stored(Some(at))).collect();
        keys.push(stored(None));

        prune_retired(&mut keys);

        let kept: Vec<_> = keys.iter().map(|key| key.retired_at).collect();
        assert_eq!(kept, [Some(3), Some(4), Some(5), Some(6), None]);
    }

    #[test]
    fn thumbprint_matches_the_rfc_7638_example() {
        let modulus = concat!(
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86",
            "zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5",
            "JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQ",
            "MicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyr",
            "dkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF4",
            "4-csFCur-kEgU8awapJzKnqDKgw",
        );

        let kid = jwk_thumbprint(modulus, "AQAB");

        assert_eq!(kid, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }
}
