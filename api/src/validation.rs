//! Checking each request against its operation's declared parameters and
//! request body, before the handler runs.
//!
//! At start-up every operation's parameter schemas and JSON request-body
//! schema are compiled once ([JSON Schema 2020-12], the dialect of
//! OpenAPI 3.1). `$ref`s are resolved inside the OpenAPI document itself
//! (`#/components/...`); nothing is ever fetched from elsewhere, and a
//! reference that points outside the document stops the app at start-up.
//!
//! A request is then refused with a problem naming what was wrong:
//!
//! | condition | status |
//! |---|---|
//! | a parameter missing, of the wrong type or out of range | 400 |
//! | a required body missing, not JSON, or not matching its schema | 400 |
//! | a body larger than [`MAX_JSON_BYTES`] | 413 |
//! | a `Content-Type` the operation does not declare | 415 |
//!
//! The check runs after the operation's security (so a caller without a
//! token learns that first, and an anonymous caller cannot make the server
//! buffer bodies of secured operations). The body is read once, with the
//! size limit, and put back for the handler's `Json<T>` extractor.
//!
//! Path, query, header and cookie values are text; each is read as the
//! JSON value its schema's `type` asks for (an integer, a number, a
//! boolean) before it is checked, so `?limit=abc` fails as "not of type
//! integer" rather than reaching the handler.
//!
//! Limitation: parameters declared with `content` instead of `schema`,
//! and array or object parameters (`style`/`explode` serialisations), are
//! not checked here; the handler's extractor still rejects what it cannot
//! read. Supporting them needs the OpenAPI style rules implemented.
//!
//! [JSON Schema 2020-12]: https://json-schema.org/draft/2020-12

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::dev::{Payload, ServiceRequest};
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::HttpMessage;
use futures_util::StreamExt;
use jsonschema::{Draft, Registry, Validator};
use serde_json::Value;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

use crate::error::ApiError;
use crate::extract::MAX_JSON_BYTES;
use crate::spec::{ApiSpec, Operation, SpecError};

/// The URI under which the OpenAPI document is known to the schema
/// compiler; every `#/...` reference resolves against it.
const DOCUMENT_URI: &str = "urn:samples:openapi";

/// How many `$ref` hops are followed to find a parameter, a request body
/// or a parameter's type; a longer chain is reported as a cycle.
const MAX_REF_HOPS: usize = 16;

/// The longest `detail` taken from a schema error, in characters.
const MAX_DETAIL_CHARS: usize = 300;

/// The checks of every operation, by `operationId`.
#[derive(Default)]
pub struct RequestChecks {
    by_operation: BTreeMap<String, Arc<RequestCheck>>,
}

impl RequestChecks {
    /// Compiles the checks of every operation of `spec`, or reports every
    /// schema that cannot be compiled.
    pub fn compile(spec: &ApiSpec) -> Result<Self, SpecError> {
        let registry = Registry::new()
            .add(DOCUMENT_URI, spec.document.clone())
            .and_then(|registry| registry.prepare())
            .map_err(|error| SpecError {
                problems: vec![format!("the document cannot hold schemas: {error}")],
            })?;
        let compiler = Compiler { document: &spec.document, registry: &registry };

        let mut problems = Vec::new();
        let mut by_operation = BTreeMap::new();
        for operation in &spec.operations {
            let check = compiler.operation(operation, &mut problems);
            by_operation.insert(operation.id.clone(), Arc::new(check));
        }
        if problems.is_empty() {
            Ok(Self { by_operation })
        } else {
            Err(SpecError { problems })
        }
    }

    /// The check of operation `operation_id`; an empty one if unknown.
    pub fn get(&self, operation_id: &str) -> Arc<RequestCheck> {
        self.by_operation.get(operation_id).cloned().unwrap_or_default()
    }
}

/// What one operation accepts: its parameters and its request body.
#[derive(Default)]
pub struct RequestCheck {
    parameters: Vec<ParameterCheck>,
    body: Option<BodyCheck>,
}

/// Where a parameter is read from ([OpenAPI 3.1 `in`]).
///
/// [OpenAPI 3.1 `in`]: https://spec.openapis.org/oas/v3.1.0#parameter-locations
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "path" => Some(Self::Path),
            "query" => Some(Self::Query),
            "header" => Some(Self::Header),
            "cookie" => Some(Self::Cookie),
            _ => None,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Path => "path parameter",
            Self::Query => "query parameter",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// The JSON types a parameter's text may be read as, in order of trial.
#[derive(Debug, Clone, Copy, Default)]
struct Reading {
    integer: bool,
    number: bool,
    boolean: bool,
}

struct ParameterCheck {
    name: String,
    location: Location,
    required: bool,
    reading: Reading,
    schema: Option<Validator>,
}

struct BodyCheck {
    required: bool,
    /// Declared media types, lower case, without parameters.
    media_types: Vec<String>,
    /// The schema of the JSON media type, when one is declared.
    schema: Option<Validator>,
}

struct Compiler<'a> {
    document: &'a Value,
    registry: &'a Registry<'a>,
}

impl Compiler<'_> {
    fn operation(&self, operation: &Operation, problems: &mut Vec<String>) -> RequestCheck {
        let place = format!("{} {}", operation.method, operation.path);
        let path_item = format!("/paths/{}", escape(&operation.path));
        let method = operation.method.as_str().to_ascii_lowercase();
        let operation_pointer = format!("{path_item}/{method}");

        // Operation-level parameters override path-level ones of the same
        // name and location.
        let mut declared: BTreeMap<(String, String), String> = BTreeMap::new();
        for base in [&path_item, &operation_pointer] {
            for pointer in self.parameter_pointers(base, &place, problems) {
                let Some(parameter) = self.document.pointer(&pointer) else { continue };
                let field = |key| parameter.get(key).and_then(Value::as_str).unwrap_or_default();
                declared.insert((field("in").to_owned(), field("name").to_owned()), pointer);
            }
        }
        let parameters = declared.values()
            .filter_map(|pointer| self.parameter(pointer, &place, problems))
            .collect();

        let body = self.body(&operation_pointer, &place, problems);
        RequestCheck { parameters, body }
    }

    /// Pointers to the (reference-resolved) parameter objects under `base`.
    fn parameter_pointers(
        &self,
        base: &str,
        place: &str,
        problems: &mut Vec<String>,
    ) -> Vec<String> {
        let list = self.document.pointer(&format!("{base}/parameters"));
        let count = list.and_then(Value::as_array).map_or(0, Vec::len);
        (0..count)
            .filter_map(|index| {
                let pointer = format!("{base}/parameters/{index}");
                self.resolve(&pointer).map_err(|problem| {
                    problems.push(format!("{place}: {problem}"));
                }).ok()
            })
            .collect()
    }

    fn parameter(
        &self,
        pointer: &str,
        place: &str,
        problems: &mut Vec<String>,
    ) -> Option<ParameterCheck> {
        let parameter = self.document.pointer(pointer)?;
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default();
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or_default();
        let Some(location) = Location::parse(location) else {
            problems.push(format!("{place}: parameter `{name}` has no valid `in`"));
            return None;
        };
        let required = location == Location::Path
            || parameter.get("required").and_then(Value::as_bool).unwrap_or(false);

        let schema_pointer = format!("{pointer}/schema");
        let (schema, reading) = if parameter.get("schema").is_some() {
            let reading = self.reading(&schema_pointer);
            (self.validator(&schema_pointer, place, problems), reading)
        } else {
            (None, Reading::default())
        };
        Some(ParameterCheck { name: name.to_owned(), location, required, reading, schema })
    }

    fn body(&self, operation: &str, place: &str, problems: &mut Vec<String>) -> Option<BodyCheck> {
        self.document.pointer(&format!("{operation}/requestBody"))?;
        let pointer = self.resolve(&format!("{operation}/requestBody"))
            .map_err(|problem| problems.push(format!("{place}: {problem}")))
            .ok()?;
        let body = self.document.pointer(&pointer)?;
        let required = body.get("required").and_then(Value::as_bool).unwrap_or(false);

        let content = body.get("content").and_then(Value::as_object);
        let media_types: Vec<String> = content.into_iter().flatten()
            .map(|(media_type, _)| essence(media_type))
            .collect();
        let has_schema = |entry: &Value| entry.get("schema").is_some();
        let json = content.into_iter().flatten()
            .find(|(media_type, entry)| is_json(&essence(media_type)) && has_schema(entry));
        let schema = json.and_then(|(media_type, _)| {
            let schema_pointer = format!("{pointer}/content/{}/schema", escape(media_type));
            self.validator(&schema_pointer, place, problems)
        });
        Some(BodyCheck { required, media_types, schema })
    }

    fn validator(
        &self,
        pointer: &str,
        place: &str,
        problems: &mut Vec<String>,
    ) -> Option<Validator> {
        // A pointer into a templated path (`/items/{id}`) holds characters a
        // URI fragment may not: percent-encode them (RFC 6901 section 6).
        let fragment = utf8_percent_encode(pointer, NOT_IN_FRAGMENT);
        let root = serde_json::json!({ "$ref": format!("{DOCUMENT_URI}#{fragment}") });
        let built = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .with_registry(self.registry)
            .build(&root);
        built.map_err(|error| {
            problems.push(format!("{place}: the schema at {pointer} is invalid: {error}"));
        }).ok()
    }

    /// Follows local `$ref`s from `pointer` to the object they end at.
    fn resolve(&self, pointer: &str) -> Result<String, String> {
        let mut current = pointer.to_owned();
        for _ in 0..MAX_REF_HOPS {
            let value = self.document.pointer(&current)
                .ok_or_else(|| format!("`{current}` does not exist"))?;
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Ok(current);
            };
            let Some(next) = reference.strip_prefix('#') else {
                return Err(format!("`{reference}` points outside the document"));
            };
            // A fragment is percent-encoded (RFC 6901 section 6): a schema
            // named `Item Id` is `#/components/schemas/Item%20Id`.
            let next = percent_decode_str(next).decode_utf8()
                .map_err(|_| format!("`{reference}` is not percent-encoded UTF-8"))?;
            current = next.into_owned();
        }
        Err(format!("the references from `{pointer}` form a cycle"))
    }

    /// The JSON types a parameter's text may be read as, from `type`.
    fn reading(&self, schema_pointer: &str) -> Reading {
        let schema = self.resolve(schema_pointer).ok()
            .and_then(|pointer| self.document.pointer(&pointer));
        let types: Vec<&str> = match schema.and_then(|schema| schema.get("type")) {
            Some(Value::String(kind)) => vec![kind.as_str()],
            Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        Reading {
            integer: types.contains(&"integer"),
            number: types.contains(&"number"),
            boolean: types.contains(&"boolean"),
        }
    }
}

impl RequestCheck {
    /// Checks `request`'s parameters, then its body; a body that passes is
    /// put back for the handler.
    pub async fn check(&self, request: &mut ServiceRequest) -> Result<(), ApiError> {
        for parameter in &self.parameters {
            parameter.check(request)?;
        }
        if let Some(body) = &self.body {
            body.check(request).await?;
        }
        Ok(())
    }
}

impl ParameterCheck {
    fn check(&self, request: &ServiceRequest) -> Result<(), ApiError> {
        let noun = self.location.noun();
        let values = self.values(request)?;
        if values.is_empty() {
            if self.required {
                let detail = format!("The {noun} `{}` is required.", self.name);
                return Err(ApiError::bad_request(detail));
            }
            return Ok(());
        }

        let Some(schema) = &self.schema else { return Ok(()) };
        for text in values {
            let value = self.reading.read(&text);
            if let Err(error) = schema.validate(&value) {
                let reason = error.masked().to_string();
                let detail = format!("The {noun} `{}` is invalid: {reason}.", self.name);
                return Err(ApiError::bad_request(shorten(detail)));
            }
        }
        Ok(())
    }

    /// Every value the request gives this parameter.
    fn values(&self, request: &ServiceRequest) -> Result<Vec<String>, ApiError> {
        let name = self.name.as_str();
        Ok(match self.location {
            Location::Path => {
                request.match_info().get(name).map(str::to_owned).into_iter().collect()
            }
            Location::Query => {
                let pairs = actix_web::web::Query::<Vec<(String, String)>>::from_query(
                    request.query_string(),
                )
                .map_err(|_| ApiError::bad_request("The query string is not form-encoded."))?;
                pairs.into_inner().into_iter()
                    .filter(|(key, _)| key == name)
                    .map(|(_, value)| value)
                    .collect()
            }
            Location::Header => request.headers().get_all(name)
                .map(|value| {
                    value.to_str().map(str::to_owned).map_err(|_| {
                        ApiError::bad_request(format!("The header `{name}` is not text."))
                    })
                })
                .collect::<Result<_, _>>()?,
            Location::Cookie => request.cookie(name)
                .map(|cookie| cookie.value().to_owned())
                .into_iter()
                .collect(),
        })
    }
}

impl Reading {
    /// `text` as the JSON value its schema expects, or as a string when it
    /// reads as nothing else (the schema then reports the wrong type).
    fn read(self, text: &str) -> Value {
        // An integer is written with digits only: `1e3` and `1.0` are
        // numbers in JSON Schema's eyes, but no integer parser reads them.
        let digits = text.strip_prefix('-').unwrap_or(text);
        let integral = !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit());
        if self.number || (self.integer && integral) {
            if let Ok(number) = text.parse::<serde_json::Number>() {
                return Value::Number(number);
            }
        }
        if self.boolean && (text == "true" || text == "false") {
            return Value::Bool(text == "true");
        }
        Value::String(text.to_owned())
    }
}

impl BodyCheck {
    async fn check(&self, request: &mut ServiceRequest) -> Result<(), ApiError> {
        let declared = request.headers().contains_key(header::CONTENT_TYPE);
        let media_type = request.mime_type().map_err(|_| unsupported(&self.media_types))?;
        let media_type = media_type.map(|mime| mime.essence_str().to_ascii_lowercase());
        if let Some(media_type) = &media_type {
            if !self.media_types.contains(media_type) {
                return Err(unsupported(&self.media_types));
            }
        }

        let body = read_body(request).await?;
        if body.is_empty() {
            if self.required {
                return Err(ApiError::bad_request("A request body is required."));
            }
            return Ok(());
        }
        let Some(media_type) = media_type.filter(|_| declared) else {
            return Err(unsupported(&self.media_types));
        };

        if is_json(&media_type) {
            if let Some(schema) = &self.schema {
                check_json(schema, &body)?;
            }
        }
        request.set_payload(Payload::from(body));
        Ok(())
    }
}

/// Reads the whole body, refusing one over [`MAX_JSON_BYTES`] as soon as
/// its declared or received length says so.
async fn read_body(request: &mut ServiceRequest) -> Result<Bytes, ApiError> {
    let declared_length = request.headers().get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > MAX_JSON_BYTES as u64) {
        return Err(too_large());
    }

    let mut payload = request.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::bad_request("The body could not be read."))?;
        if body.len() + chunk.len() > MAX_JSON_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn check_json(schema: &Validator, body: &[u8]) -> Result<(), ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        ApiError::bad_request(format!("The body is not valid JSON: {error}."))
    })?;
    let Err(error) = schema.validate(&value) else { return Ok(()) };

    let reason = error.masked().to_string();
    let at = error.instance_path().to_string();
    let detail = if at.is_empty() {
        format!("The body is invalid: {reason}.")
    } else {
        format!("The body is invalid at `{at}`: {reason}.")
    };
    Err(ApiError::bad_request(shorten(detail)))
}

fn too_large() -> ApiError {
    ApiError::PayloadTooLarge { detail: format!("The body is larger than {MAX_JSON_BYTES} bytes.") }
}

fn unsupported(media_types: &[String]) -> ApiError {
    let detail = format!("The body must be sent as {}.", media_types.join(" or "));
    ApiError::UnsupportedMediaType { detail }
}

/// A media type without parameters, in lower case.
fn essence(media_type: &str) -> String {
    let essence = media_type.split(';').next().unwrap_or_default();
    essence.trim().to_ascii_lowercase()
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

/// Escapes one JSON Pointer reference token ([RFC 6901 section 3]).
///
/// [RFC 6901 section 3]: https://www.rfc-editor.org/rfc/rfc6901#section-3
/// What a URI fragment may not hold as is ([RFC 3986 section 3.5]): every
/// control and non-ASCII byte, and these.
///
/// [RFC 3986 section 3.5]: https://www.rfc-editor.org/rfc/rfc3986#section-3.5
const NOT_IN_FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ').add(b'"').add(b'#').add(b'%').add(b'<').add(b'>').add(b'[').add(b'\\')
    .add(b']').add(b'^').add(b'`').add(b'{').add(b'|').add(b'}');

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn shorten(mut detail: String) -> String {
    if let Some((cut, _)) = detail.char_indices().nth(MAX_DETAIL_CHARS) {
        detail.truncate(cut);
        detail.push('…');
    }
    detail
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;
    use actix_web::ResponseError;

    use super::*;

    const SPEC: &str = r##"
openapi: 3.1.0
info: {title: t, version: "1"}
servers: [{url: /api}]
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses: {"200": {description: ok}}
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Thing"}
      responses: {"201": {description: created}}
  /things/{thingId}:
    parameters:
      - $ref: "#/components/parameters/ThingId"
    get:
      operationId: getThing
      responses: {"200": {description: ok}}
components:
  parameters:
    ThingId:
      name: thingId
      in: path
      required: true
      schema: {type: integer, format: int64, minimum: 1}
  schemas:
    Thing:
      type: object
      additionalProperties: false
      required: [a]
      properties:
        a: {type: number}
        b: {type: number}
"##;

    fn check_of(operation_id: &str) -> Arc<RequestCheck> {
        let spec = ApiSpec::parse(SPEC).unwrap();
        RequestChecks::compile(&spec).unwrap().get(operation_id)
    }

    async fn run(operation_id: &str, request: TestRequest) -> Result<(), ApiError> {
        let mut request = request.to_srv_request();
        check_of(operation_id).check(&mut request).await
    }

    fn detail_of(error: &ApiError) -> String {
        match error {
            ApiError::BadRequest { detail }
            | ApiError::PayloadTooLarge { detail }
            | ApiError::UnsupportedMediaType { detail } => detail.clone(),
            other => panic!("unexpected error {other:?}"),
        }
    }

    fn post(body: &str) -> TestRequest {
        TestRequest::post()
            .uri("/api/things")
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload(body.to_owned())
    }

    #[actix_web::test]
    async fn a_body_matching_its_referenced_schema_passes() {
        let result = run("createThing", post(r#"{"a": 1.5, "b": 2}"#)).await;

        assert!(result.is_ok(), "{result:?}");
    }

    #[actix_web::test]
    async fn a_body_that_passes_is_still_there_for_the_handler() {
        let mut request = post(r#"{"a": 1}"#).to_srv_request();

        check_of("createThing").check(&mut request).await.unwrap();

        let mut payload = request.take_payload();
        let chunk = payload.next().await.unwrap().unwrap();
        assert_eq!(&chunk[..], br#"{"a": 1}"#);
    }

    #[actix_web::test]
    async fn a_wrong_type_names_the_field() {
        let error = run("createThing", post(r#"{"a": "one"}"#)).await.unwrap_err();

        let detail = detail_of(&error);
        assert_eq!(error.status_code(), 400);
        assert!(detail.contains("`/a`"), "{detail}");
        assert!(!detail.contains("one"), "the value is echoed: {detail}");
    }

    #[actix_web::test]
    async fn a_missing_required_field_is_named() {
        let error = run("createThing", post(r#"{"b": 1}"#)).await.unwrap_err();

        assert!(detail_of(&error).contains("\"a\""), "{}", detail_of(&error));
    }

    #[actix_web::test]
    async fn an_unknown_field_is_named() {
        let error = run("createThing", post(r#"{"a": 1, "c": 2}"#)).await.unwrap_err();

        assert!(detail_of(&error).contains("'c'"), "{}", detail_of(&error));
    }

    #[actix_web::test]
    async fn malformed_json_is_a_bad_request() {
        let error = run("createThing", post(r#"{"a": "#)).await.unwrap_err();

        assert!(detail_of(&error).contains("not valid JSON"));
    }

    #[actix_web::test]
    async fn a_missing_required_body_is_a_bad_request() {
        let error = run("createThing", TestRequest::post()).await.unwrap_err();

        assert_eq!(error.status_code(), 400);
    }

    #[actix_web::test]
    async fn another_media_type_is_unsupported() {
        let request = TestRequest::post()
            .insert_header((header::CONTENT_TYPE, "text/plain"))
            .set_payload("a=1");

        let error = run("createThing", request).await.unwrap_err();

        assert_eq!(error.status_code(), 415);
    }

    #[actix_web::test]
    async fn a_body_without_media_type_is_unsupported() {
        let request = TestRequest::post().set_payload(r#"{"a": 1}"#);

        let error = run("createThing", request).await.unwrap_err();

        assert_eq!(error.status_code(), 415);
    }

    #[actix_web::test]
    async fn a_body_over_the_limit_is_too_large() {
        let body = format!(r#"{{"a": 1, "pad": "{}"}}"#, "x".repeat(MAX_JSON_BYTES));

        let error = run("createThing", post(&body)).await.unwrap_err();

        assert_eq!(error.status_code(), 413);
    }

    #[actix_web::test]
    async fn query_values_are_read_as_their_schema_type() {
        let request = TestRequest::get().uri("/api/things?limit=5&verbose=true");

        assert!(run("listThings", request).await.is_ok());
    }

    #[actix_web::test]
    async fn an_out_of_range_query_value_names_the_parameter() {
        let request = TestRequest::get().uri("/api/things?limit=101");

        let error = run("listThings", request).await.unwrap_err();

        assert!(detail_of(&error).contains("`limit`"), "{}", detail_of(&error));
    }

    #[actix_web::test]
    async fn a_non_numeric_query_value_is_refused() {
        let request = TestRequest::get().uri("/api/things?limit=ten");

        assert!(run("listThings", request).await.is_err());
    }

    #[actix_web::test]
    async fn a_referenced_path_parameter_is_checked() {
        let request = TestRequest::get().param("thingId", "0");

        let error = run("getThing", request).await.unwrap_err();

        assert!(detail_of(&error).contains("`thingId`"), "{}", detail_of(&error));
    }

    #[actix_web::test]
    async fn an_integer_parameter_written_as_a_float_is_refused() {
        for text in ["1e3", "1.0", "+1", " 1"] {
            let request = TestRequest::get().param("thingId", text);

            assert!(run("getThing", request).await.is_err(), "{text} passed");
        }
    }

    #[actix_web::test]
    async fn a_non_numeric_path_parameter_is_refused() {
        let request = TestRequest::get().param("thingId", "abc");

        assert!(run("getThing", request).await.is_err());
    }

    #[test]
    fn a_reference_outside_the_document_stops_start_up() {
        let spec = SPEC.replace("#/components/schemas/Thing", "urn:elsewhere:thing");
        let spec = ApiSpec::parse(&spec).unwrap();

        let error = RequestChecks::compile(&spec).err().expect("compile fails");

        assert!(error.to_string().contains("POST /things"), "{error}");
    }
}
