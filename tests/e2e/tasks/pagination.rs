//! Cursors: a walk over the board meets every task once, with and without
//! filters.

use e2e::{on_both_backends, Api, TestUser};
use serde_json::json;

use super::*;

async fn walk(api: &Api, who: &TestUser, tasks: &str, query: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{tasks}?{query}&cursor={c}"),
            None => format!("{tasks}?{query}"),
        };
        let res = api.get_as(&path, &who.access_token).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.header("cache-control"), Some("private, no-cache"));
        seen.extend(
            res.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_str().unwrap().to_string()),
        );
        match res.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return seen,
        }
    }
}

on_both_backends!(
    pagination_walks_every_task_exactly_once_with_filters,
    |api| {
        let alice = api.user().await;
        let bob = api.user().await;
        let (ws, tasks) = board(&api, &alice).await;
        api.join(&alice, &ws, &bob, "editor").await;
        let mut created = Vec::new();
        for i in 0..13 {
            let who = if i % 2 == 0 { &alice } else { &bob };
            let status = if i % 3 == 0 { "done" } else { "todo" };
            let assignee = if i % 4 == 0 { &bob } else { &alice };
            let body =
                json!({ "title": format!("t{i}"), "status": status, "assignee_id": assignee.id });
            created.push((
                id(&create(&api, who, &tasks, body).await),
                who.id.clone(),
                status,
                assignee.id.clone(),
            ));
        }
        created.reverse();
        let all: Vec<String> = created.iter().map(|(id, ..)| id.clone()).collect();
        assert_eq!(walk(&api, &alice, &tasks, "limit=4").await, all);
        let bobs: Vec<String> = created
            .iter()
            .filter(|(_, o, ..)| *o == bob.id)
            .map(|(id, ..)| id.clone())
            .collect();
        assert_eq!(
            walk(
                &api,
                &alice,
                &tasks,
                &format!("limit=2&owner_id={}", bob.id)
            )
            .await,
            bobs
        );
        let bobs_done: Vec<String> = created
            .iter()
            .filter(|(_, _, s, a)| *s == "done" && *a == bob.id)
            .map(|(id, ..)| id.clone())
            .collect();
        let query = format!("limit=1&status=done&assignee_id={}", bob.id);
        assert_eq!(walk(&api, &alice, &tasks, &query).await, bobs_done);
        assert_eq!(bobs_done.len(), 2, "i = 0 and 12");
        let done: Vec<String> = created
            .iter()
            .filter(|(_, _, s, _)| *s == "done")
            .map(|(id, ..)| id.clone())
            .collect();
        assert_eq!(
            walk(&api, &alice, &tasks, "limit=3&status=done").await,
            done
        );
        let res = api
            .get_as(&format!("{tasks}?status=blocked"), &alice.access_token)
            .await;
        assert_eq!(
            (res.status, res.body["errors"][0]["field"].as_str()),
            (422, Some("status"))
        );
        let first = api
            .get_as(&format!("{tasks}?limit=2"), &alice.access_token)
            .await;
        let cursor = first.body["next_cursor"].as_str().unwrap();
        let res = api
            .get_as(
                &format!("{tasks}?status=done&cursor={cursor}"),
                &alice.access_token,
            )
            .await;
        assert_eq!(res.status, 422, "a cursor is bound to its filters");
        let res = api
            .get_as(
                &format!("{tasks}?cursor=forged.cursor"),
                &alice.access_token,
            )
            .await;
        assert_eq!(res.code(), "validation_failed");
    }
);
