//! HTTP conventions shared by every handler: JSON bodies, RFC 9457 problems,
//! security headers, CORS (README, "Auth in short" lists the choices).

pub mod body;
pub mod cors;
pub mod ctx;
pub mod endpoint;
pub mod etag;
pub mod reply;
pub mod status;

pub use ctx::Ctx;
pub use endpoint::endpoint;
pub use reply::Reply;

pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A handler as the local gateway links it: the same function a Lambda `main` runs.
pub type Handler = fn(
    std::sync::Arc<crate::App>,
    lambda_http::Request,
) -> futures::future::BoxFuture<'static, http::Response<lambda_http::Body>>;

/// One Lambda: its binary name, the ports its wiring builds (beyond the
/// table, which every function but `jwks` reads), and its handler.
#[derive(Clone, Copy)]
pub struct Route {
    pub name: &'static str,
    pub ports: &'static [crate::wiring::Port],
    pub handler: Handler,
}

/// A function package's routes: `CONST: "binary" => handler uses [Port, ...];`
/// makes `CONST` (what the binary's `main` serves) and `routes()`.
#[macro_export]
macro_rules! handlers {
    ($($id:ident: $name:literal => $f:path, uses [$($port:ident),*];)*) => {
        $(
            pub const $id: $crate::http::Route = $crate::http::Route {
                name: $name,
                ports: &[$($crate::wiring::Port::$port),*],
                handler: |app, req| Box::pin($f(app, req)),
            };
        )*

        pub fn routes() -> Vec<$crate::http::Route> {
            vec![$($id),*]
        }
    };
}
