//! Binding a spec's operations to handlers and serving them.
//!
//! An app lists its handlers by `operationId` in [`Operations`] and hands
//! them, with its OpenAPI document, to [`Application::build`]. Start-up
//! fails with one [`SpecError`] listing every operation without a handler,
//! every handler without an operation, and every unsupported scheme.
//!
//! Each operation is served at `{servers[0].url}{path}` for its method
//! only (a GET operation also answers HEAD), behind a gate that enforces
//! the operation's `security` before the handler or any body extractor
//! runs, then checks the parameters and body
//! against the operation's schemas ([`crate::validation`]). Another method
//! on a known path is answered 405 with `Allow`. Next to the operations the app
//! serves its document (`{base}/openapi.json`, `{base}/openapi.yaml`), an
//! interactive docs page (`{base}/ui/`, from vendored assets), liveness and
//! readiness (`/health/live`, `/health/ready`) and `/metrics`.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::guard;
use actix_web::middleware::{from_fn, DefaultHeaders, Next};
use actix_web::web::{self, ServiceConfig};
use actix_web::{
    Error, FromRequest, Handler, HttpMessage, HttpRequest, HttpResponse, HttpServer, Responder,
    ResponseError, Route,
};
use tracing::Instrument;

use crate::auth::{bearer_credential, read_bearer, User, Validator};
use crate::error::ApiError;
use crate::keys::KeyCache;
use crate::metrics::Metrics;
use crate::settings::Settings;
use crate::spec::{ApiSpec, Credential, Operation, Security, SpecError};
use crate::validation::{RequestCheck, RequestChecks};

type RouteFactory = Arc<dyn Fn() -> Route + Send + Sync>;
type Configure = Arc<dyn Fn(&mut ServiceConfig) + Send + Sync>;

/// Handlers by `operationId`.
#[derive(Default, Clone)]
pub struct Operations {
    handlers: BTreeMap<String, RouteFactory>,
    duplicates: Vec<String>,
}

impl Operations {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Binds `handler` to the operation `operation_id` of the spec.
    pub fn bind<F, Args>(mut self, operation_id: &str, handler: F) -> Self
    where
        F: Handler<Args> + Clone + Send + Sync,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let factory: RouteFactory = Arc::new(move || web::route().to(handler.clone()));
        if self.handlers.insert(operation_id.to_owned(), factory).is_some() {
            self.duplicates.push(operation_id.to_owned());
        }
        self
    }

    /// Checks these handlers against `spec`: every operation has exactly
    /// one handler and every handler has an operation.
    pub fn check(&self, spec: &ApiSpec) -> Result<(), SpecError> {
        let mut problems: Vec<String> = self.duplicates.iter()
            .map(|id| format!("operationId `{id}` is bound to two handlers"))
            .collect();
        for operation in &spec.operations {
            if !self.handlers.contains_key(&operation.id) {
                let place = format!("{} {}", operation.method, operation.path);
                problems.push(format!("operationId `{}` ({place}) has no handler", operation.id));
            }
        }
        for id in self.handlers.keys() {
            if spec.operation(id).is_none() {
                problems.push(format!("handler for `{id}` matches no operation in the spec"));
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(SpecError { problems }) }
    }
}

/// Why an app could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The spec is invalid or disagrees with the handlers.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The listening socket could not be bound.
    #[error("cannot listen on {address} (BIND_ADDR sets another)")]
    Bind {
        /// The address asked for.
        address: std::net::SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP client for the identity provider could not be built.
    #[error("cannot build the HTTP client for the identity provider")]
    HttpClient(#[from] reqwest::Error),
}

/// A bound, not yet running app.
pub struct Application {
    server: Server,
    port: u16,
    validator: web::Data<Validator>,
}

impl Application {
    /// Checks the spec against the handlers, binds the listener and prepares
    /// the server. Key fetching starts in the background; nothing here
    /// waits on the identity provider.
    ///
    /// `configure` adds the app's own data (services, stores) to every
    /// worker.
    pub fn build(
        spec_text: &str,
        operations: Operations,
        settings: &Settings,
        configure: impl Fn(&mut ServiceConfig) + Send + Sync + 'static,
    ) -> Result<Self, StartupError> {
        let spec = Arc::new(ApiSpec::parse(spec_text)?);
        operations.check(&spec)?;
        let checks = Arc::new(RequestChecks::compile(&spec)?);

        let metrics = Arc::new(Metrics::default());
        let keys = Arc::new(KeyCache::new(&settings.auth, metrics.clone())?);
        let validator = Validator::new(settings.auth.clone(), keys.clone(), metrics.clone());
        let validator = web::Data::new(validator);
        let listener = TcpListener::bind(settings.bind_addr)
            .map_err(|source| StartupError::Bind { address: settings.bind_addr, source })?;
        let port = listener.local_addr().map_err(|source| {
            StartupError::Bind { address: settings.bind_addr, source }
        })?.port();

        let state = AppState {
            spec: spec.clone(),
            operations: Arc::new(operations),
            checks,
            validator: validator.clone(),
            metrics: web::Data::from(metrics),
            configure: Arc::new(configure),
        };
        let server = HttpServer::new(move || {
            actix_web::App::new()
                .wrap(DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
                .wrap(from_fn(request_span))
                .configure(|config| state.configure_app(config))
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind { address: settings.bind_addr, source })?
        .shutdown_timeout(5)
        .run();

        tokio::spawn(keys.run_scheduled_refresh());
        if settings.auth.audiences.is_empty() {
            tracing::warn!(
                "AUTH_AUDIENCE is not set: tokens issued to any client of the realm are \
                 accepted; set it to this app's audience once the realm maps one"
            );
        }
        let count = spec.operations.len();
        tracing::info!(operations = count, base = %spec.base_path, port, "spec loaded, listening");
        Ok(Self { server, port, validator })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The key cache, for tests and diagnostics.
    pub fn keys(&self) -> Arc<KeyCache> {
        self.validator.keys().clone()
    }

    /// Serves until the server is stopped or gets SIGINT/SIGTERM.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

#[derive(Clone)]
struct AppState {
    spec: Arc<ApiSpec>,
    operations: Arc<Operations>,
    checks: Arc<RequestChecks>,
    validator: web::Data<Validator>,
    metrics: web::Data<Metrics>,
    configure: Configure,
}

impl AppState {
    fn configure_app(&self, config: &mut ServiceConfig) {
        config
            .app_data(self.validator.clone())
            .app_data(self.metrics.clone())
            .app_data(crate::extract::json_config())
            .app_data(crate::extract::path_config())
            .app_data(crate::extract::query_config());
        (self.configure)(config);

        let base = self.spec.base_path.clone();
        let mut by_path: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
        for operation in &self.spec.operations {
            by_path.entry(operation.path.as_str()).or_default().push(operation);
        }
        // Concrete paths before templated ones, as OpenAPI matches them: a
        // request for `/items/new` reaches `/items/new`, not `/items/{id}`.
        // It also spares concrete paths the pattern match of every templated
        // path registered before them.
        let mut by_path: Vec<_> = by_path.into_iter().collect();
        by_path.sort_by_key(|(path, _)| path.contains('{'));
        for (path, operations) in by_path {
            let mut resource = web::resource(format!("{base}{path}"));
            // HEAD is answered like GET, without the body (RFC 9110
            // section 9.3.2), unless the spec declares it itself.
            let head_from_get = operations.iter().any(|op| op.method == Method::GET)
                && !operations.iter().any(|op| op.method == Method::HEAD);
            let mut allow: Vec<&str> = operations.iter().map(|op| op.method.as_str()).collect();
            if head_from_get {
                allow.push("HEAD");
            }
            let allow = allow.join(", ");
            for operation in operations {
                let with_head = head_from_get && operation.method == Method::GET;
                resource = resource.route(self.route_for(operation, with_head));
            }
            let refuse = web::to(move || method_not_allowed(allow.clone()));
            config.service(resource.default_service(refuse));
        }

        let spec = self.spec.clone();
        let json = serde_json::to_string_pretty(&spec.document).unwrap_or_default();
        let yaml = spec.yaml.clone();
        config
            .route(&format!("{base}/openapi.json"), web::get().to(move || {
                let json = json.clone();
                async move { HttpResponse::Ok().content_type("application/json").body(json) }
            }))
            .route(&format!("{base}/openapi.yaml"), web::get().to(move || {
                let yaml = yaml.clone();
                async move { HttpResponse::Ok().content_type("application/yaml").body(yaml) }
            }))
            .configure(|config| crate::docs::configure(config, &base))
            .route("/health/live", web::get().to(live))
            .route("/health/ready", web::get().to(ready))
            .route("/metrics", web::get().to(metrics))
            .default_service(web::to(not_found));
    }

    fn route_for(&self, operation: &Operation, with_head: bool) -> Route {
        let factory = &self.operations.handlers[&operation.id];
        let gate = Arc::new(Gate {
            operation_id: operation.id.clone(),
            security: operation.security.clone(),
            check: self.checks.get(&operation.id),
            validator: self.validator.clone(),
            metrics: self.metrics.clone(),
        });
        let route = if with_head {
            factory().guard(guard::Any(guard::Get()).or(guard::Head()))
        } else {
            factory().method(operation.method.clone())
        };
        route.wrap(from_fn(
            move |request: ServiceRequest, next: Next<BoxBody>| {
                let gate = gate.clone();
                async move { gate.run(request, next).await }
            },
        ))
    }
}

/// Enforces one operation's security, then checks the request against
/// the operation's parameters and body, then counts its outcome.
struct Gate {
    operation_id: String,
    security: Security,
    check: Arc<RequestCheck>,
    // Held here rather than looked up per request: cloning a shared
    // pointer on every request makes the workers contend for its count.
    validator: web::Data<Validator>,
    metrics: web::Data<Metrics>,
}

impl Gate {
    async fn run(
        &self,
        mut request: ServiceRequest,
        next: Next<BoxBody>,
    ) -> Result<ServiceResponse<BoxBody>, Error> {
        tracing::Span::current().record("operation_id", self.operation_id.as_str());

        let response = match self.authorize(request.request()).await {
            Ok(user) => {
                let authenticated = user.is_some();
                if let Some(user) = user {
                    request.extensions_mut().insert(user);
                }
                let mut response = match self.check.check(&mut request).await {
                    Ok(()) => next.call(request).await?,
                    Err(error) => request.error_response(error),
                };
                // What a caller's token unlocked is theirs: no shared cache
                // may keep it.
                let headers = response.headers_mut();
                if authenticated && !headers.contains_key(header::CACHE_CONTROL) {
                    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                }
                response
            }
            Err(error) => request.error_response(error),
        };

        self.metrics.request(&self.operation_id, response.status().as_u16());
        Ok(response)
    }

    /// The user of the first alternative that passes, `None` for a public
    /// operation called without credentials, or the most telling failure.
    async fn authorize(&self, request: &HttpRequest) -> Result<Option<User>, ApiError> {
        if self.security.alternatives.is_empty() {
            return Ok(None);
        }
        let validator = &self.validator;

        let mut failure: Option<ApiError> = None;
        for alternative in &self.security.alternatives {
            match check_alternative(alternative, request, validator).await {
                Ok(user) => return Ok(user),
                Err(error) => {
                    if failure.as_ref().is_none_or(|seen| rank(&error) > rank(seen)) {
                        failure = Some(error);
                    }
                }
            }
        }
        let realm = validator.realm().to_owned();
        Err(failure.unwrap_or(ApiError::MissingCredentials { realm }))
    }
}

async fn check_alternative(
    schemes: &[crate::spec::SchemeUse],
    request: &HttpRequest,
    validator: &Validator,
) -> Result<Option<User>, ApiError> {
    let realm = || validator.realm().to_owned();
    let missing = || ApiError::MissingCredentials { realm: realm() };
    let malformed = |_| ApiError::InvalidRequest { realm: realm() };
    let mut user = None;
    for scheme in schemes {
        let checked = match &scheme.credential {
            Credential::Bearer => {
                let credential = bearer_credential(request).map_err(malformed)?;
                let credential = credential.ok_or_else(missing)?;
                let read = |raw| read_bearer(raw).map_err(malformed);
                validator.validate_credential(credential, read).await?
            }
            Credential::Cookie(name) => {
                let token = cookie_token(request, name).map_err(|_| {
                    let detail = format!("The cookie `{name}` is sent twice; send it once.");
                    ApiError::bad_request(detail)
                })?;
                validator.validate_raw(token.ok_or_else(missing)?).await?
            }
        };

        let missing = checked.missing_realm_roles(&scheme.roles);
        if !missing.is_empty() {
            tracing::debug!(subject = checked.id(), ?missing, "required role missing");
            let roles = scheme.roles.clone();
            return Err(ApiError::InsufficientRole { realm: realm(), roles });
        }
        user = Some(checked);
    }
    Ok(user)
}

/// The token in cookie `name`, unless the request is a cross-site write:
/// a browser sends cookies with those, so accepting them would allow
/// cross-site request forgery. Such a request is treated as carrying no
/// cookie credential.
///
/// Reads the raw value, without percent-decoding: a token has nothing to
/// decode.
///
/// Two cookies of that name are refused rather than one picked: a site
/// that can set cookies for a parent domain could otherwise put its own
/// token first, or an empty one to lock the user out.
fn cookie_token<'a>(
    request: &'a HttpRequest,
    name: &str,
) -> Result<Option<&'a [u8]>, AmbiguousCookie> {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(request) {
        tracing::debug!("cookie credential ignored on a cross-site write");
        return Ok(None);
    }
    let mut named = request.headers().get_all(header::COOKIE)
        .flat_map(|line| cookie_values(line.as_bytes(), name.as_bytes()));
    let Some(value) = named.next() else {
        return Ok(None);
    };
    if named.next().is_some() {
        return Err(AmbiguousCookie);
    }
    Ok((!value.is_empty()).then_some(value))
}

/// Whether the request may come from another site: some `Sec-Fetch-Site`
/// line says other than `same-origin` or `none` (typed by the user), or
/// cannot be read.
fn is_cross_site(request: &HttpRequest) -> bool {
    let mut sites = request.headers().get_all("sec-fetch-site");
    sites.any(|site| !matches!(site.as_bytes(), b"same-origin" | b"none"))
}

/// The values of the cookies called `name` in one `Cookie` header line:
/// `name=value` pairs separated by `;` ([RFC 6265 section 4.2.1]), each
/// value trimmed of spaces and otherwise as written. A pair without `=`
/// is skipped. Bytes, not text: whether a value is a token is for the
/// validator to say, and only when it is not one it has seen.
///
/// One vectorised pass over the line, which holds a 1–3 KiB token. The
/// `cookie` crate's parser, tried first, scanned each pair three times
/// and cost a sixth of a cookie-authenticated request.
///
/// [RFC 6265 section 4.2.1]: https://www.rfc-editor.org/rfc/rfc6265#section-4.2.1
fn cookie_values<'a, 'n>(
    line: &'a [u8],
    name: &'n [u8],
) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
    let ends = memchr::memchr_iter(b';', line).chain([line.len()]);
    let mut start = 0;
    ends.filter_map(move |end| {
        let pair = &line[start..end];
        start = end + 1;
        let equals = memchr::memchr(b'=', pair)?;
        (pair[..equals].trim_ascii() == name).then(|| pair[equals + 1..].trim_ascii())
    })
}

/// The credential cookie appears more than once.
struct AmbiguousCookie;

/// Which failure to report when every alternative fails: the one that says
/// most about what the caller should do.
fn rank(error: &ApiError) -> u8 {
    match error {
        ApiError::MissingCredentials { .. } => 0,
        ApiError::InvalidRequest { .. } => 1,
        ApiError::InvalidToken { .. } => 2,
        ApiError::InsufficientRole { .. } => 3,
        _ => 4,
    }
}

/// One span per request, ending with one completion event.
async fn request_span(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let span = tracing::info_span!(
        "request",
        request_id = %uuid::Uuid::new_v4(),
        method = %request.method(),
        path = %request.path(),
        operation_id = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = next.call(request).instrument(span.clone()).await;

    let latency_us = started.elapsed().as_micros() as u64;
    let status = match &result {
        Ok(response) => response.status().as_u16(),
        Err(error) => error.as_response_error().status_code().as_u16(),
    };
    span.in_scope(|| tracing::info!(status, latency_us, "request completed"));
    result
}

async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "UP"}))
}

/// Ready once the realm's keys are loaded: before that no token can be
/// checked.
async fn ready(validator: web::Data<Validator>) -> HttpResponse {
    let keys = validator.keys().snapshot().len();
    let body = serde_json::json!({"status": if keys > 0 { "UP" } else { "DOWN" }, "keys": keys});
    let mut response = if keys > 0 {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    if keys == 0 {
        // A readiness probe may itself be what starts the first fetch.
        let keys = validator.keys().clone();
        actix_web::rt::spawn(async move { keys.refresh("readiness").await });
    }
    response.json(body)
}

async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}

async fn not_found(request: HttpRequest) -> HttpResponse {
    let detail = format!("No operation at {}.", request.path());
    ApiError::NotFound { detail }.error_response()
}

/// A 405 with the `Allow` header listing the path's methods
/// ([RFC 9110 section 15.5.6]).
///
/// [RFC 9110 section 15.5.6]: https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6
async fn method_not_allowed(allow: String) -> HttpResponse {
    let mut response = ApiError::MethodNotAllowed.error_response();
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allow) {
        response.headers_mut().insert(actix_web::http::header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn token_cookie(method: Method, site: Option<&[u8]>) -> Option<String> {
        let mut request = TestRequest::default()
            .method(method)
            .insert_header((header::COOKIE, "kc-access=a.b.c"));
        for line in site.into_iter().flat_map(|site| site.split(|byte| *byte == b'\n')) {
            let line = HeaderValue::from_bytes(line).unwrap();
            request = request.append_header(("sec-fetch-site", line));
        }
        let request = request.to_http_request();
        let token = cookie_token(&request, "kc-access").ok().flatten();
        token.map(|token| String::from_utf8(token.to_vec()).unwrap())
    }

    #[test]
    fn a_cross_site_write_carries_no_cookie_credential() {
        assert_eq!(token_cookie(Method::POST, Some(b"cross-site")), None);
        assert_eq!(token_cookie(Method::DELETE, Some(b"same-site")), None);
    }

    #[test]
    fn a_write_whose_site_cannot_be_told_carries_no_cookie_credential() {
        assert_eq!(token_cookie(Method::POST, Some(b"cross-site\xff")), None);
        assert_eq!(token_cookie(Method::POST, Some(b"Same-Origin")), None);
        assert_eq!(token_cookie(Method::POST, Some(b"same-origin\ncross-site")), None);
    }

    #[test]
    fn cookies_count_on_reads_and_on_writes_from_the_same_origin() {
        let token = Some("a.b.c".to_owned());
        assert_eq!(token_cookie(Method::GET, Some(b"cross-site")), token);
        assert_eq!(token_cookie(Method::POST, Some(b"same-origin")), token);
        assert_eq!(token_cookie(Method::POST, Some(b"none")), token);
        assert_eq!(token_cookie(Method::POST, None), token);
    }

    fn values<'a>(line: &'a str, name: &str) -> Vec<&'a str> {
        let values = cookie_values(line.as_bytes(), name.as_bytes());
        values.map(|value| std::str::from_utf8(value).unwrap()).collect()
    }

    #[test]
    fn cookie_values_reads_each_pair_of_that_name_trimmed_and_as_written() {
        let line = "theme=dark; kc-access= a.b%41.c ;other=kc-access=x; kc-access=";

        assert_eq!(values(line, "kc-access"), ["a.b%41.c", ""]);
        assert_eq!(values(line, "other"), ["kc-access=x"]);
    }

    #[test]
    fn cookie_values_skips_pairs_without_a_value_and_names_that_only_contain_the_name() {
        let line = "kc-access; xkc-access=1; kc-accessx=2; ; =3";

        assert!(values(line, "kc-access").is_empty());
    }
}
