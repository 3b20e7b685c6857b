//! Direct uploads: the storage endpoint (s3s-fs for S3, the gateway for the
//! local adapter) refuses anything but the declared key, size and type in time.

use e2e::{on_both_backends, Api, Resp, TestUser};
use serde_json::{json, Value};

pub const USERS: &[(&str, &str)] = &[("BOOTSTRAP_ADMIN_EMAIL", e2e::ADMIN_EMAIL)];
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot really a picture";

pub async fn announce(api: &Api, who: &TestUser, size: usize) -> Resp {
    let body =
        json!({ "filename": "../cat picture.png", "content_type": "image/png", "size": size });
    let body = json!({ "filename": "cat.png", "content_type": body["content_type"], "size": body["size"] });
    api.send_as("POST", "/v1/files", &who.access_token, Some(body))
        .await
}

/// Sends the bytes as the ticket says, with optional tampering.
#[derive(Default)]
pub struct Tamper {
    content_type: Option<&'static str>,
    key: Option<&'static str>,
    signature: bool,
}

pub async fn upload(api: &Api, upload: &Value, bytes: &[u8], tamper: Tamper) -> u16 {
    let url = upload["url"].as_str().unwrap();
    let res = match upload["method"].as_str().unwrap() {
        "POST" => {
            let mut form = reqwest::multipart::Form::new();
            for (name, value) in upload["fields"].as_object().unwrap() {
                let mut value = value.as_str().unwrap().to_string();
                match name.as_str() {
                    "Content-Type" => value = tamper.content_type.map_or(value, str::to_string),
                    "key" => value = tamper.key.map_or(value, |k| format!("pending/{k}")),
                    "x-amz-signature" if tamper.signature => {
                        value = value.replace(&value[..4], "0000")
                    }
                    _ => {}
                }
                form = form.text(name.clone(), value);
            }
            let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("cat.png");
            api.client
                .post(url)
                .multipart(form.part("file", part))
                .send()
                .await
                .unwrap()
        }
        _ => {
            let mut url = url.to_string();
            if let Some(k) = tamper.key {
                let (path, query) = url.split_once('?').unwrap();
                let base = &path[..path.rfind('/').unwrap()];
                url = format!("{base}/{k}?{query}");
            }
            if tamper.signature {
                url = url.replace("&sig=", "&sig=AAAA");
            }
            let content_type = tamper
                .content_type
                .unwrap_or(upload["headers"]["Content-Type"].as_str().unwrap());
            let res = api
                .client
                .put(url)
                .header("content-type", content_type)
                .body(bytes.to_vec())
                .send();
            res.await.unwrap()
        }
    };
    res.status().as_u16()
}

fn file_path(res: &Resp) -> String {
    format!("/v1/files/{}", res.body["file"]["id"].as_str().unwrap())
}

on_both_backends!(
    an_upload_goes_straight_to_storage_and_completes,
    USERS,
    |api| {
        let editor = api.user().await;
        let created = announce(&api, &editor, PNG.len()).await;
        assert_eq!(created.status, 201, "{}", created.body);
        let file = &created.body["file"];
        assert_eq!(
            (file["status"].as_str(), file["size"].as_u64()),
            (Some("pending"), Some(PNG.len() as u64))
        );
        assert_eq!(file["owner_id"].as_str(), Some(editor.id.as_str()));
        assert!(created.body["upload"]["expires_at"].is_string());
        let path = file_path(&created);
        let early = api
            .send_as(
                "POST",
                &format!("{path}/complete"),
                &editor.access_token,
                None,
            )
            .await;
        assert_eq!((early.status, early.code()), (409, "conflict"));
        let status = upload(&api, &created.body["upload"], PNG, Tamper::default()).await;
        assert!(
            (200..300).contains(&status),
            "storage accepted the upload: {status}"
        );
        let done = api
            .send_as(
                "POST",
                &format!("{path}/complete"),
                &editor.access_token,
                None,
            )
            .await;
        assert_eq!(
            (done.status, done.body["file"]["status"].as_str()),
            (200, Some("ready"))
        );
        let got = api.get_as(&path, &editor.access_token).await;
        let url = got.body["download"]["url"].as_str().unwrap();
        let bytes = api
            .client
            .get(url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(bytes.as_ref(), PNG);
        let listed = api.get_as("/v1/files", &editor.access_token).await;
        assert_eq!(listed.body["items"][0]["id"], got.body["file"]["id"]);
    }
);

on_both_backends!(
    storage_refuses_wrong_size_type_key_signature_and_late_uploads,
    USERS,
    |api| {
        let editor = api.user().await;
        let cases: Vec<(&str, Vec<u8>, Tamper)> = vec![
            (
                "larger than declared",
                [PNG, b"!"].concat(),
                Tamper::default(),
            ),
            (
                "another type",
                PNG.to_vec(),
                Tamper {
                    content_type: Some("text/plain"),
                    ..Default::default()
                },
            ),
            (
                "another key",
                PNG.to_vec(),
                Tamper {
                    key: Some("someone-elses-file"),
                    ..Default::default()
                },
            ),
            (
                "a tampered signature",
                PNG.to_vec(),
                Tamper {
                    signature: true,
                    ..Default::default()
                },
            ),
        ];
        for (case, bytes, tamper) in cases {
            let created = announce(&api, &editor, PNG.len()).await;
            let status = upload(&api, &created.body["upload"], &bytes, tamper).await;
            assert!(
                (400..500).contains(&status),
                "{case}: storage answered {status}"
            );
            let path = format!("{}/complete", file_path(&created));
            let res = api.send_as("POST", &path, &editor.access_token, None).await;
            assert_eq!(res.status, 409, "{case}: nothing was stored");
        }
        api.clock.advance_secs(-301);
        let created = announce(&api, &editor, PNG.len()).await;
        api.clock.advance_secs(301);
        let status = upload(&api, &created.body["upload"], PNG, Tamper::default()).await;
        assert!(
            (400..500).contains(&status),
            "an expired upload: storage answered {status}"
        );
    }
);

on_both_backends!(
    files_are_validated_against_the_limits,
    &[("MAX_UPLOAD_BYTES", "100")],
    |api| {
        let editor = api.user().await;
        let post = |body: Value| api.send_as("POST", "/v1/files", &editor.access_token, Some(body));
        let res =
            post(json!({ "filename": "big.png", "content_type": "image/png", "size": 101 })).await;
        assert_eq!((res.status, res.code()), (413, "file_too_large"));
        let res = post(json!({ "filename": "app.exe", "content_type": "application/x-msdownload", "size": 10 })).await;
        assert_eq!((res.status, res.code()), (415, "unsupported_media_type"));
        let res = post(json!({ "filename": "", "content_type": "image/png", "size": 10 })).await;
        assert_eq!(
            (res.status, res.body["errors"][0]["field"].as_str()),
            (422, Some("filename"))
        );
        let res =
            post(json!({ "filename": "a.png", "content_type": "image/png", "size": 0 })).await;
        assert_eq!(res.body["errors"][0]["field"], "size");
        let beyond_int64 = 1u64 << 63;
        let res =
            post(json!({ "filename": "a.png", "content_type": "image/png", "size": beyond_int64 }))
                .await;
        assert_eq!(
            (res.status, res.body["errors"][0]["field"].as_str()),
            (422, Some("size")),
            "not an int64, as documented"
        );
        let res = post(
            json!({ "filename": "a.png", "content_type": "image/png", "size": 1, "key": "mine" }),
        )
        .await;
        assert_eq!(res.body["errors"][0]["field"], "key");
    }
);

on_both_backends!(
    only_the_owner_or_an_admin_sees_a_file_and_delete_removes_the_object,
    USERS,
    |api| {
        let boss = api.admin().await;
        let owner = api.user().await;
        let stranger = api.user().await;
        let created = announce(&api, &owner, PNG.len()).await;
        upload(&api, &created.body["upload"], PNG, Tamper::default()).await;
        let path = file_path(&created);
        api.send_as(
            "POST",
            &format!("{path}/complete"),
            &owner.access_token,
            None,
        )
        .await;
        assert_eq!(api.get_as(&path, &stranger.access_token).await.status, 404);
        assert_eq!(
            api.send_as("DELETE", &path, &stranger.access_token, None)
                .await
                .status,
            404
        );
        assert!(
            api.get_as("/v1/files", &stranger.access_token).await.body["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        let seen = api.get_as(&path, &boss.access_token).await;
        assert_eq!(seen.status, 200);
        let url = seen.body["download"]["url"].as_str().unwrap().to_string();
        assert_eq!(
            api.send_as("DELETE", &path, &owner.access_token, None)
                .await
                .status,
            204
        );
        assert_eq!(api.get_as(&path, &owner.access_token).await.status, 404);
        let gone = api.client.get(url).send().await.unwrap().status().as_u16();
        assert_eq!(gone, 404, "the object went with the record");
    }
);
