//! The storage endpoint of the local blob adapter: accepts a presigned PUT only
//! if its signature covers this key, size and type and has not expired, and
//! serves presigned GETs. Refusals mirror S3 (403 for signature/expiry/type, 400 for size).

use std::collections::BTreeMap;

use bytes::Bytes;
use edge::http::cors;
use http::request::Parts;
use http::{HeaderValue, Method, Response, StatusCode};
use http_body_util::Full;
use lambda_http::aws_lambda_events::query_map::QueryMap;
use local_adapters::blobs::{BlobRefusal, LocalBlobs, UploadAttempt, PATH_PREFIX};

fn query(parts: &Parts) -> BTreeMap<String, String> {
    let map: QueryMap = parts
        .uri
        .query()
        .unwrap_or_default()
        .parse()
        .unwrap_or_default();
    map.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn respond(
    status: StatusCode,
    body: Bytes,
    content_type: &str,
    origin: Option<&str>,
    allowed: &[String],
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    if let Ok(ct) = HeaderValue::from_str(content_type) {
        response
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, ct);
    }
    cors::apply(response.headers_mut(), origin, allowed);
    response
}

fn refused(
    refusal: BlobRefusal,
    origin: Option<&str>,
    allowed: &[String],
) -> Response<Full<Bytes>> {
    let (status, code) = match refusal {
        BlobRefusal::BadSignature => (StatusCode::FORBIDDEN, "SignatureDoesNotMatch"),
        BlobRefusal::Expired => (StatusCode::FORBIDDEN, "AccessDenied"),
        BlobRefusal::WrongType => (StatusCode::FORBIDDEN, "AccessDenied"),
        BlobRefusal::WrongSize => (StatusCode::BAD_REQUEST, "EntityTooLarge"),
    };
    let body = format!("<Error><Code>{code}</Code></Error>");
    respond(
        status,
        Bytes::from(body),
        "application/xml",
        origin,
        allowed,
    )
}

pub async fn handle(
    blobs: &LocalBlobs,
    parts: &Parts,
    body: &Bytes,
    allowed: &[String],
) -> Response<Full<Bytes>> {
    let origin = parts.headers.get("origin").and_then(|o| o.to_str().ok());
    let key = parts.uri.path().trim_start_matches(PATH_PREFIX);
    let q = query(parts);
    match parts.method {
        Method::OPTIONS => {
            let mut response = respond(
                StatusCode::NO_CONTENT,
                Bytes::new(),
                "text/plain",
                None,
                allowed,
            );
            *response.headers_mut() = cors::preflight(origin, allowed);
            response
        }
        Method::PUT => {
            let content_type = parts
                .headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let attempt = UploadAttempt {
                key,
                query: &q,
                content_type,
                body_len: body.len(),
            };
            if let Err(refusal) = blobs.check_upload(&attempt) {
                return refused(refusal, origin, allowed);
            }
            match blobs
                .write(key, content_type.unwrap_or_default(), body)
                .await
            {
                Ok(()) => respond(StatusCode::OK, Bytes::new(), "text/plain", origin, allowed),
                Err(e) => {
                    tracing::error!(error.cause_chain = ?e, "local blob write failed");
                    respond(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        Bytes::new(),
                        "text/plain",
                        origin,
                        allowed,
                    )
                }
            }
        }
        Method::GET => {
            if let Err(refusal) = blobs.check_download(key, &q) {
                return refused(refusal, origin, allowed);
            }
            match blobs.read(key).await {
                Some((bytes, content_type)) => respond(
                    StatusCode::OK,
                    Bytes::from(bytes),
                    &content_type,
                    origin,
                    allowed,
                ),
                None => respond(
                    StatusCode::NOT_FOUND,
                    Bytes::from("<Error><Code>NoSuchKey</Code></Error>"),
                    "application/xml",
                    origin,
                    allowed,
                ),
            }
        }
        _ => respond(
            StatusCode::METHOD_NOT_ALLOWED,
            Bytes::new(),
            "text/plain",
            origin,
            allowed,
        ),
    }
}
