//! The API describes itself: `GET /v1/openapi.json` serves the committed
//! OpenAPI document, which every other test's responses are checked against.

use e2e::Api;

#[tokio::test]
async fn the_api_serves_its_openapi_document() {
    let api = Api::start_memory(&[]).await;
    let res = api.call("GET", "/v1/openapi.json", None, &[]).await;
    assert_eq!(res.status, 200);
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../infra/openapi.json")).unwrap();
    assert_eq!(res.body, committed);
    assert_eq!(res.body["openapi"], "3.1.0");
    assert!(res.body["paths"]["/v1/workspaces/{ws}/tasks/{id}"]["patch"].is_object());
}
